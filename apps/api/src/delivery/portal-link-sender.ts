import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { hashToken, newToken } from '../common/tokens.js';
import { kyselyOn } from '../db/kysely.js';
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
  const db = kyselyOn(tx);
  const revoked = await db
    .updateTable('portal_link')
    .set({ revoked_at: sql`now()`, revoked_by: input.createdBy })
    .where('practice_id', '=', input.practiceId)
    .where('client_id', '=', input.clientId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .execute();
  if (revoked.length > 0 && input.endSessions) {
    await db
      .updateTable('portal_session')
      .set({ revoked_at: sql`now()` })
      .where('practice_id', '=', input.practiceId)
      .where(sql<boolean>`link_id = ANY(${revoked.map((r) => r.id)}::uuid[])`)
      .where('revoked_at', 'is', null)
      .execute();
  }
  for (const r of revoked) {
    await audit.record({ action: 'portal_link.revoked', recordType: 'portal_link', recordId: r.id, subjectId: input.clientId, detail: { reissued: true } });
  }
  const token = newToken();
  const link = await db
    .insertInto('portal_link')
    .values({ practice_id: input.practiceId, client_id: input.clientId, token_hash: hashToken(token), created_by: input.createdBy, expires_at: input.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit.record({ action: 'portal_link.issued', recordType: 'portal_link', recordId: link.id, subjectId: input.clientId, detail: { emailed: input.reason } });
  return { token, linkId: link.id };
}
