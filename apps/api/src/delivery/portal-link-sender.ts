import type { EntityManager } from 'typeorm';
import { hashToken, newToken } from '../common/tokens.js';
import { modify } from '../common/sql.js';
import type { AuditRecorder } from '../audit/audited-writes.service.js';

/**
 * Issues a client's new portal link inside `tx` (revoking the active one, as
 * every new link does) and returns its token, for a message to carry it.
 * `endSessions`: a clinician's "Send link" ends the portal sessions of the
 * old link like any reissue; a reminder leaves them open, so a client in the
 * middle of an exercise is not signed out by an email.
 */
export async function issuePortalLinkForEmail(
  tx: EntityManager,
  audit: AuditRecorder,
  input: { practiceId: string; clientId: string; createdBy: string; expiresAt: Date; endSessions: boolean; reason: string },
): Promise<{ token: string; linkId: string }> {
  const revoked = await modify<{ id: string }>(
    tx,
    `UPDATE portal_link SET revoked_at = now(), revoked_by = $3
      WHERE practice_id = $1 AND client_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
    [input.practiceId, input.clientId, input.createdBy],
  );
  if (revoked.length > 0 && input.endSessions) {
    await tx.query(`UPDATE portal_session SET revoked_at = now() WHERE practice_id = $1 AND link_id = ANY($2::uuid[]) AND revoked_at IS NULL`, [
      input.practiceId,
      revoked.map((r) => r.id),
    ]);
  }
  for (const r of revoked) {
    await audit.record({ action: 'portal_link.revoked', recordType: 'portal_link', recordId: r.id, subjectId: input.clientId, detail: { reissued: true } });
  }
  const token = newToken();
  const [link] = (await tx.query(
    `INSERT INTO portal_link (practice_id, client_id, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [input.practiceId, input.clientId, hashToken(token), input.createdBy, input.expiresAt],
  )) as Array<{ id: string }>;
  await audit.record({ action: 'portal_link.issued', recordType: 'portal_link', recordId: link!.id, subjectId: input.clientId, detail: { emailed: input.reason } });
  return { token, linkId: link!.id };
}
