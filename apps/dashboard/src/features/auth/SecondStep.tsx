import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { MeResponse } from '@tandem/shared';
import { api } from '../../api/client';
import { Field, FormAlert, Loading, Notice } from '../../ui/forms';
import { RecoveryCodes, TwoFactorEnrolment } from '../account/TwoFactorEnrolment';

/** After the password: a code from the app (or a recovery code). */
export function CodeStep({ onSignedIn, onRestart }: { onSignedIn: (me: MeResponse) => void; onRestart: () => void }) {
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api.post('/auth/two-factor', { body: { code }, quiet401: true }),
    onSuccess: onSignedIn,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <>
      <FormAlert error={verify.error ?? undefined} />
      <form onSubmit={submit} noValidate>
        <Field
          label="Code from your app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          hint="The six digits your authenticator app shows for Tandem. Lost your phone? Enter one of your recovery codes instead."
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={verify.isPending}>
          {verify.isPending ? 'Checking…' : 'Verify'}
        </button>
      </form>
      <button type="button" className="button button--quiet" onClick={onRestart}>
        Use another account
      </button>
    </>
  );
}

/** The practice requires two-factor sign-in and this person has none yet: set it up before the first session. */
export function EnrolStep({ onSignedIn }: { onSignedIn: (me: MeResponse) => void }) {
  const start = useMutation({ mutationFn: () => api.post('/auth/two-factor/enrolment', { quiet401: true }) });
  const confirm = useMutation({
    mutationFn: (code: string) => api.post('/auth/two-factor/enrolment/confirm', { body: { code }, quiet401: true }),
  });
  const { mutate } = start;
  // Once per sign-in: a second start would replace the secret the first one showed.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate();
  }, [mutate]);
  if (confirm.data) {
    const done = confirm.data;
    return <RecoveryCodes codes={done.recoveryCodes} onDone={() => onSignedIn(done.me)} doneLabel="I have saved them — continue" />;
  }
  return (
    <>
      <Notice>Your practice requires two-factor sign-in. Set it up now to continue.</Notice>
      <FormAlert error={start.error ?? undefined} />
      {start.isPending && <Loading />}
      {start.data && <TwoFactorEnrolment enrolment={start.data} pending={confirm.isPending} error={confirm.error} onConfirm={(code) => confirm.mutate(code)} />}
    </>
  );
}
