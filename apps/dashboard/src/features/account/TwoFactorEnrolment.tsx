import { useState, type FormEvent } from 'react';
import type { TwoFactorEnrolment as Enrolment } from '@tandem/shared';
import { Field, FormAlert, fieldError } from '../../ui/forms';

/** The QR code, the same secret as text, and the first code from the app. */
export function TwoFactorEnrolment({
  enrolment,
  onConfirm,
  pending,
  error,
}: {
  enrolment: Enrolment;
  onConfirm: (code: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm(code);
  };
  return (
    <div className="two-factor-enrolment">
      <ol className="steps-list">
        <li>Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 1Password).</li>
        <li>Scan this code with it, or type the key below.</li>
        <li>Enter the six digits the app shows.</li>
      </ol>
      <img className="two-factor-enrolment__qr" src={enrolment.qrCode} width={240} height={240} alt="QR code to add Tandem to your authenticator app" />
      <p>
        Key to type instead: <code aria-label="Secret key">{enrolment.secret.match(/.{1,4}/g)!.join(' ')}</code>
      </p>
      <p>
        On this phone already? <a href={enrolment.otpauthUri}>Add Tandem to an authenticator app on this device</a>.
      </p>
      <FormAlert error={error && !fieldError(error, 'code') ? error : undefined} />
      <form onSubmit={submit} noValidate>
        <Field
          label="Code from the app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={fieldError(error, 'code')}
        />
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? 'Checking…' : 'Turn on two-factor sign-in'}
        </button>
      </form>
    </div>
  );
}

/** Recovery codes, shown once: each signs in once when the phone is not at hand. */
export function RecoveryCodes({ codes, onDone, doneLabel = 'I have saved them' }: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  return (
    <div className="recovery-codes" role="region" aria-label="Recovery codes">
      <p>
        <strong>Save these recovery codes now.</strong> Each one signs you in once if you lose your phone. Tandem keeps only a scrambled copy and
        cannot show them again.
      </p>
      <ul className="recovery-codes__list">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="button button--primary" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
