import { useState } from 'react';
import type { InviteResponse } from '@tandem/shared';
import { formatDateTime } from '../../ui/dates';

/** The one-time link, shown once, with a copy button: Tandem does not send email. */
export function InviteLink({ invite }: { invite: InviteResponse }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(invite.inviteUrl);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="invite-link" role="status">
      <p>
        Send this one-time link to <strong>{invite.member.name}</strong> ({invite.member.email}). It works once, until{' '}
        {formatDateTime(invite.expiresAt)}.
      </p>
      <div className="invite-link__row">
        <input aria-label="Invite link" readOnly value={invite.inviteUrl} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}
