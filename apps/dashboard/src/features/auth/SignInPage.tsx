import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { isSignInStep, type MeResponse, type SignInStepResponse } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { Field, FormAlert, Notice, PageHeading, fieldError } from '../../ui/forms';
import { useMe } from './use-me';
import { CodeStep, EnrolStep } from './SecondStep';

const SIGN_IN_LABELS = { email: 'Email', password: 'Password' };

export interface SignInState {
  notice?: string;
  from?: string;
}

export default function SignInPage() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const state = (location.state ?? {}) as SignInState;
  const destination = state.from && state.from !== '/sign-in' ? state.from : '/';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<SignInStepResponse['step'] | null>(null);
  const signedIn = (data: MeResponse) => {
    queryClient.clear();
    queryClient.setQueryData(keys.me(), data);
    void navigate(destination, { replace: true });
  };
  const signIn = useMutation({
    mutationFn: () => api.post('/auth/login', { body: { email, password }, quiet401: true }),
    onSuccess: (data) => {
      if (isSignInStep(data)) {
        setPassword('');
        setStep(data.step);
      } else signedIn(data);
    },
  });

  if (me.data && !signIn.isPending) return <Navigate to={destination} replace />;

  if (step) {
    return (
      <main className="auth-page">
        <div className="auth-card">
          <p className="brand">Tandem</p>
          <PageHeading>{step === 'two-factor' ? 'Two-factor sign-in' : 'Set up two-factor sign-in'}</PageHeading>
          {step === 'two-factor' ? (
            <CodeStep
              onSignedIn={signedIn}
              onRestart={() => {
                signIn.reset();
                setStep(null);
              }}
            />
          ) : (
            <EnrolStep onSignedIn={signedIn} />
          )}
        </div>
      </main>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Tandem</p>
        <PageHeading>Sign in</PageHeading>
        {state.notice && !signIn.error && <Notice>{state.notice}</Notice>}
        <FormAlert error={signIn.error ?? undefined} fields={SIGN_IN_LABELS} />
        <form onSubmit={submit} noValidate>
          <Field label="Email" type="email" name="email" autoComplete="username" required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError(signIn.error, 'email', SIGN_IN_LABELS.email)}
          />
          <Field
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(signIn.error, 'password', SIGN_IN_LABELS.password)}
          />
          <button type="submit" className="button button--primary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="auth-card__foot">
          <Link to="/forgot-password">Forgot your password?</Link> New to your practice? Use the invite link your admin sent you.
        </p>
      </div>
    </main>
  );
}
