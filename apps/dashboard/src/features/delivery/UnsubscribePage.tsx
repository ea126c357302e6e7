import { useMemo } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';
import { FormAlert, PageHeading } from '../../ui/forms';

/** The "stop these emails" link of a message: one button, so a link scanner cannot unsubscribe anyone. */
export default function UnsubscribePage() {
  const token = useMemo(() => window.location.hash.slice(1), []);
  const stop = useMutation({ mutationFn: () => api.post('/unsubscribe/{token}', { path: { token }, quiet401: true }) });
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Tandem</p>
        <PageHeading>Stop these emails</PageHeading>
        {stop.data ? (
          <p role="status">Done: {stop.data.practiceName} will not send you these emails any more.</p>
        ) : (
          <>
            <FormAlert error={stop.error ?? undefined} />
            <button type="button" className="button button--primary" disabled={stop.isPending || !token} onClick={() => stop.mutate()}>
              Stop emails
            </button>
          </>
        )}
      </div>
    </main>
  );
}
