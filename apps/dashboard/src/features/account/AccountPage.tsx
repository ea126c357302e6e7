import { useState, type FormEvent } from 'react';
import type { TwoFactorEnrolment as Enrolment } from '@tandem/shared';
import { Badge, EmptyState, Field, FormAlert, Loading, Notice, PageHeading, fieldError } from '../../ui/forms';
import { useMe } from '../auth/use-me';
import {
  useConfirmEnrolment,
  useDisableTwoFactor,
  useEndSession,
  useNewRecoveryCodes,
  useOwnSessions,
  useStartEnrolment,
  useTwoFactorStatus,
} from './account-api';
import { RecoveryCodes, TwoFactorEnrolment } from './TwoFactorEnrolment';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A code from the app before a change to the factor itself. */
function CodeForm({ label, action, pending, error, onSubmit }: { label: string; action: string; pending: boolean; error: unknown; onSubmit: (code: string) => void }) {
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(code);
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <FormAlert error={error && !fieldError(error, 'code') ? error : undefined} />
      <Field label={label} inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} error={fieldError(error, 'code')} />
      <button type="submit" className="button" disabled={pending}>
        {action}
      </button>
    </form>
  );
}

function TwoFactorPanel() {
  const status = useTwoFactorStatus();
  const start = useStartEnrolment();
  const confirm = useConfirmEnrolment();
  const regenerate = useNewRecoveryCodes();
  const disable = useDisableTwoFactor();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [changing, setChanging] = useState<'codes' | 'off' | null>(null);

  return (
    <section className="panel" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor sign-in</h2>
      {status.isPending && <Loading />}
      <FormAlert error={status.error ?? start.error ?? undefined} />
      {codes && (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setChanging(null);
          }}
        />
      )}
      {!codes && status.data && !status.data.enabled && !enrolment && (
        <>
          <p>
            After your password, Tandem will also ask for a six-digit code from an app on your phone, so a stolen password alone cannot open
            your clients’ records.
          </p>
          {status.data.required && <Notice>Your practice requires two-factor sign-in.</Notice>}
          <button type="button" className="button button--primary" disabled={start.isPending} onClick={() => start.mutate(undefined, { onSuccess: setEnrolment })}>
            Set up two-factor sign-in
          </button>
        </>
      )}
      {!codes && enrolment && (
        <TwoFactorEnrolment
          enrolment={enrolment}
          pending={confirm.isPending}
          error={confirm.error}
          onConfirm={(code) =>
            confirm.mutate(code, {
              onSuccess: (data) => {
                setEnrolment(null);
                setCodes(data.recoveryCodes);
              },
            })
          }
        />
      )}
      {!codes && status.data?.enabled && (
        <>
          <p>
            <Badge tone="good">On</Badge> You sign in with your password and a code from your app. Recovery codes left: {status.data.recoveryCodesLeft}.
          </p>
          <div className="button-row">
            <button type="button" className="button" onClick={() => setChanging('codes')}>
              New recovery codes
            </button>
            {!status.data.required && (
              <button type="button" className="button button--danger" onClick={() => setChanging('off')}>
                Turn off
              </button>
            )}
          </div>
          {changing === 'codes' && (
            <CodeForm
              label="Current code from the app"
              action="Make new recovery codes"
              pending={regenerate.isPending}
              error={regenerate.error}
              onSubmit={(code) => regenerate.mutate(code, { onSuccess: (data) => setCodes(data.recoveryCodes) })}
            />
          )}
          {changing === 'off' && (
            <CodeForm
              label="Current code from the app"
              action="Turn off two-factor sign-in"
              pending={disable.isPending}
              error={disable.error}
              onSubmit={(code) => disable.mutate(code, { onSuccess: () => setChanging(null) })}
            />
          )}
        </>
      )}
    </section>
  );
}

function SessionsPanel() {
  const sessions = useOwnSessions();
  const end = useEndSession();
  const items = sessions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      {sessions.isPending && <Loading />}
      <FormAlert error={sessions.error ?? end.error ?? undefined} />
      {sessions.isSuccess && items.length === 0 && <EmptyState title="No open sessions." />}
      <ul className="session-list">
        {items.map((s) => (
          <li key={s.id} className="session-row">
            <div>
              <strong>{s.device}</strong> {s.current && <Badge tone="info">This browser</Badge>}
              <div className="muted">
                {s.ip ?? 'Unknown address'} · last active {when(s.lastActiveAt)} · signed in {when(s.createdAt)}
              </div>
            </div>
            {!s.current && (
              <button type="button" className="button" disabled={end.isPending} onClick={() => end.mutate(s.id)} aria-label={`Sign out ${s.device}`}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      {sessions.hasNextPage && (
        <button type="button" className="button" onClick={() => sessions.fetchNextPage()} disabled={sessions.isFetchingNextPage}>
          Load more
        </button>
      )}
    </section>
  );
}

export default function AccountPage() {
  const me = useMe().data;
  if (!me) return null;
  return (
    <section>
      <PageHeading>Your account</PageHeading>
      <p className="muted">
        {me.user.name} · {me.user.email}
      </p>
      <TwoFactorPanel />
      <SessionsPanel />
    </section>
  );
}
