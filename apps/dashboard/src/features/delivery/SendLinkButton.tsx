import { api } from '../../api/client';
import { useChange } from '../../api/changes';
import { FormAlert } from '../../ui/forms';

/**
 * "Send link": Tandem emails each client their own new portal link. The
 * link is never shown here; the button says who it went to.
 */
export function SendLinkButton({ to, label }: { to: { clientId: string } | { coupleId: string }; label: string }) {
  const send = useChange('portalLink', () =>
    'clientId' in to ? api.post('/clients/{id}/portal-link/send', { path: { id: to.clientId } }) : api.post('/couples/{id}/portal-links/send', { path: { id: to.coupleId } }),
  );
  return (
    <div className="send-link" role="group" aria-label={label}>
      <FormAlert error={send.error ?? undefined} />
      <button type="button" className="button button--primary" disabled={send.isPending} onClick={() => send.mutate()}>
        {send.isPending ? 'Sending…' : label}
      </button>
      {send.data && (
        <p className="muted" role="status">
          Emailed to {send.data.queued.map((q) => q.name).join(' and ')}
          {send.data.queued.length > 1 ? ': each gets their own link.' : '.'} The link in the email replaces any earlier one.
        </p>
      )}
    </div>
  );
}
