import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { PASSWORD_MIN_LENGTH } from '@tandem/shared';
import { api, ApiError } from '../../api/client';
import { keys } from '../../api/query-keys';
import { Field, FormAlert, Loading, PageHeading, fieldError } from '../../ui/forms';

/** Reads the one-time token from the link's fragment, which never reaches a server. */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

export default function SetPasswordPage() {
  const token = useMemo(tokenFromHash, []);
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const invite = useQuery({
    queryKey: keys.invite(token),
    queryFn: () => api.post('/auth/invite', { body: { token }, quiet401: true }),
    enabled: token.length > 0,
    retry: false,
  });
  const save = useMutation({
    mutationFn: () => api.post('/auth/set-password', { body: { token, password }, quiet401: true }),
    onSuccess: () => {
      window.history.replaceState(null, '', window.location.pathname);
      void navigate('/sign-in', { replace: true, state: { notice: 'Your password is set. Sign in with your email and new password.' } });
    },
  });

  const linkProblem = !token || (invite.error instanceof ApiError && (invite.error.status === 404 || invite.error.status === 400));
  if (linkProblem) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <p className="brand">Tandem</p>
          <PageHeading>This invite link no longer works</PageHeading>
          <p>Invite links work once and expire after a few days. Ask your practice admin to send you a new one.</p>
          <p>
            Already set your password? <Link to="/sign-in">Sign in</Link>.
          </p>
        </div>
      </main>
    );
  }
  if (invite.isPending) return <Loading />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    save.mutate();
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Tandem</p>
        <PageHeading>Welcome, {invite.data?.name}</PageHeading>
        <p>
          Choose a password to join <strong>{invite.data?.practiceName}</strong> as {invite.data?.email}.
        </p>
        <FormAlert error={invite.error ?? save.error ?? undefined} fields={{ password: 'New password' }} />
        <form onSubmit={submit} noValidate>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters. A short sentence is easy to remember and hard to guess; very common passwords are refused.`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(save.error, 'password', 'New password')}
          />
          <Field
            label="Repeat the password"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={mismatch ? 'The two passwords are not the same.' : undefined}
          />
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Set password'}
          </button>
        </form>
      </div>
    </main>
  );
}
