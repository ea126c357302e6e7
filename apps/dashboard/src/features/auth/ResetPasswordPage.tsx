import { useMemo, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { PASSWORD_MIN_LENGTH } from '@tandem/shared';
import { ApiError, api } from '../../api/client';
import { Field, FormAlert, PageHeading, fieldError } from '../../ui/forms';

function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** Asks for a reset link by email; the answer is the same whether or not the address is known. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => api.post('/auth/password-reset/request', { body: { email }, quiet401: true }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Tandem</p>
        <PageHeading>Forgot your password?</PageHeading>
        {request.data ? (
          <p role="status">{request.data.message}</p>
        ) : (
          <form onSubmit={submit} noValidate>
            <FormAlert error={request.error && !fieldError(request.error, 'email') ? request.error : undefined} />
            <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(request.error, 'email')} />
            <button type="submit" className="button button--primary" disabled={request.isPending}>
              {request.isPending ? 'Sending…' : 'Email me a link'}
            </button>
          </form>
        )}
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}

/** Where the emailed link lands: its token is in the fragment, which never reaches a server. */
export default function ResetPasswordPage() {
  const token = useMemo(tokenFromHash, []);
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => api.post('/auth/password-reset', { body: { token, password }, quiet401: true }),
    onSuccess: () => {
      window.history.replaceState(null, '', window.location.pathname);
      void navigate('/sign-in', { replace: true, state: { notice: 'Your new password is set. Sign in with it.' } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const gone = !token || (save.error instanceof ApiError && save.error.status === 404);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Tandem</p>
        <PageHeading>Choose a new password</PageHeading>
        {gone ? (
          <p>
            This reset link no longer works: links work once and for a short time. <Link to="/forgot-password">Ask for a new one</Link>.
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <FormAlert error={save.error && !fieldError(save.error, 'password') ? save.error : undefined} />
            <Field
              label="New password"
              type="password"
              autoComplete="new-password"
              required
              minLength={PASSWORD_MIN_LENGTH}
              hint={`At least ${PASSWORD_MIN_LENGTH} characters; very common passwords are refused.`}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={fieldError(save.error, 'password')}
            />
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Set new password'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
