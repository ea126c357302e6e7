import { useState } from 'react';
import { FormAlert } from '../../ui/forms';
import { useIssuePortalLink, usePortalLink, useRevokePortalLink } from './homework-api';
import { formatDate } from '../../ui/dates';

/**
 * A client's portal link: whether one is active, a new one (shown once, to
 * copy into a message to the client), and revocation.
 */
export function PortalLinkPanel({ clientId, name }: { clientId: string; name: string }) {
  const status = usePortalLink(clientId);
  const issue = useIssuePortalLink(clientId);
  const revoke = useRevokePortalLink(clientId);
  const [copied, setCopied] = useState(false);
  const active = status.data?.active;
  const issued = issue.data;

  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="portal-link" aria-label={`Portal link for ${name}`} role="group">
      <FormAlert error={status.error ?? issue.error ?? revoke.error ?? undefined} />
      {issued ? (
        <div className="field">
          <label htmlFor={`link-${clientId}`}>Link for {name} (shown once: copy it now)</label>
          <div className="inline-form">
            <input id={`link-${clientId}`} readOnly value={issued.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy link'}
            </button>
          </div>
          <p className="field__hint">Valid until {formatDate(issued.expiresAt)}. Send it privately; anyone with it can see {name}’s exercises.</p>
        </div>
      ) : active ? (
        <p className="muted">
          {name}: link active until {formatDate(active.expiresAt)}
          {active.lastUsedAt ? `, last opened ${formatDate(active.lastUsedAt)}` : ', not opened yet'}.
        </p>
      ) : (
        status.data && <p className="muted">{name}: no active portal link.</p>
      )}
      <div className="button-row">
        <button type="button" className="button" disabled={issue.isPending} onClick={() => issue.mutate()}>
          {active || issued ? `New link for ${name}` : `Create link for ${name}`}
        </button>
        {(active || issued) && (
          <button
            type="button"
            className="button button--danger"
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke ${name}’s portal link? It stops working at once.`)) {
                issue.reset();
                revoke.mutate();
              }
            }}
          >
            Revoke link
          </button>
        )}
      </div>
    </div>
  );
}
