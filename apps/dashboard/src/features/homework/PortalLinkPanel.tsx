import { useState } from 'react';
import { ApiError } from '../../api/client';
import { FormAlert } from '../../ui/forms';
import { useIssuePortalLink, usePortalLink, useRecordPortalLinkCopy, useRevokePortalLink } from './homework-api';

/**
 * A client's portal link: whether one is active, a new one (shown once, to
 * copy into a message to the client), and revocation. Only staff who may
 * read everything the link opens may create or copy it; others see whether a
 * link exists and may revoke it. Replacing a working link asks first, since
 * the client may be using it.
 */
export function PortalLinkPanel({ clientId, name }: { clientId: string; name: string }) {
  const status = usePortalLink(clientId);
  const issue = useIssuePortalLink(clientId);
  const recordCopy = useRecordPortalLinkCopy(clientId);
  const revoke = useRevokePortalLink(clientId);
  const [copied, setCopied] = useState(false);
  const active = status.data?.active;
  const canShare = status.data?.canShare ?? false;
  const issued = issue.data;

  const replaceQuestion = `${name} may be using the current link. A new one stops it working at once, and ${name} will need the new link. Replace it?`;

  const create = () => {
    setCopied(false);
    if (active || issued) {
      if (!window.confirm(replaceQuestion)) return;
      issue.mutate({ replace: true });
      return;
    }
    issue.mutate(
      {},
      {
        // Someone else created a link meanwhile: the same question, then the confirmed replacement.
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'link_active' && window.confirm(replaceQuestion)) issue.mutate({ replace: true });
        },
      },
    );
  };

  const copy = async () => {
    if (!issued) return;
    try {
      await recordCopy.mutateAsync();
      await navigator.clipboard.writeText(issued.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="portal-link" aria-label={`Portal link for ${name}`} role="group">
      <FormAlert error={status.error ?? issue.error ?? recordCopy.error ?? revoke.error ?? undefined} />
      {issued && canShare ? (
        <div className="field">
          <label htmlFor={`link-${clientId}`}>Link for {name} (shown once: copy it now)</label>
          <div className="inline-form">
            {/* A copy made by hand (select, then the keyboard or menu) is on record too. */}
            <input id={`link-${clientId}`} readOnly value={issued.url} onFocus={(e) => e.currentTarget.select()} onCopy={() => recordCopy.mutate()} />
            <button type="button" className="button" disabled={recordCopy.isPending} onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy link'}
            </button>
          </div>
          <p className="field__hint">Valid until {new Date(issued.expiresAt).toLocaleDateString()}. Send it privately; anyone with it can see {name}’s exercises.</p>
        </div>
      ) : active ? (
        <p className="muted">
          {name}: link active until {new Date(active.expiresAt).toLocaleDateString()}
          {active.lastUsedAt ? `, last opened ${new Date(active.lastUsedAt).toLocaleDateString()}` : ', not opened yet'}.
        </p>
      ) : (
        status.data && <p className="muted">{name}: no active portal link.</p>
      )}
      {status.data && !canShare && (
        <p className="field__hint">
          A link opens all of {name}’s homework, so only a clinician on {name}’s own care team, and on the care team of each couple {name} is in, can create
          or copy it.
        </p>
      )}
      <div className="button-row">
        {canShare && (
          <button type="button" className="button" disabled={issue.isPending} onClick={create}>
            {active || issued ? `New link for ${name}` : `Create link for ${name}`}
          </button>
        )}
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
