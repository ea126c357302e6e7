import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import {
  EMERGENCY_ACCESS_MINUTES,
  type EmergencyAccessGrant,
  type EmergencyAccessNotice,
  type EmergencyCandidate,
  type EmergencyNote,
  type EmergencyRecord,
  type Page,
} from '@tandem/shared';
import { clientsReachedBy, EMERGENCY_NOTE_KINDS, EmergencyAccess } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { ConflictError, NotFoundError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { Keyset, type KeysetSpec } from '../db/keyset.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { PageQuery } from '../common/page-query.js';
import { aadFor, FieldCipher } from '../encryption/field-cipher.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { EmergencyCandidatesQuery, OpenEmergencyAccessDto } from './dto/emergency-access.dto.js';

/** An emergency access (`g`) with its client's and clinician's names and whether it is open now. */
const selectGrants = (db: Db) =>
  db
    .selectFrom('emergency_access as g')
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'g.practice_id').onRef('c.id', '=', 'g.client_id'))
    .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'g.practice_id').onRef('u.id', '=', 'g.staff_user_id'))
    .select([
      'g.id',
      'g.practice_id',
      'g.client_id',
      'c.name as client_name',
      'g.staff_user_id',
      'u.name as staff_name',
      'g.key_id',
      'g.reason_enc',
      'g.started_at',
      'g.expires_at',
      'g.ended_at',
      sql<boolean>`(g.ended_at IS NULL AND g.expires_at > now())`.as('open'),
    ]);

type GrantRow = Awaited<ReturnType<ReturnType<typeof selectGrants>['executeTakeFirstOrThrow']>>;

const byNewest = <O>(list: string, practiceId: string, userId: string, keys: KeysetSpec<O>['keys']): KeysetSpec<O> => ({
  scope: { list, practiceId, within: userId },
  direction: 'desc',
  keys,
});

/**
 * Emergency ("break-glass") access: a clinician outside a client's care team
 * opens the record for a stated reason, for EMERGENCY_ACCESS_MINUTES. The
 * care team and the admins get a notice; the opening and every read under it
 * are audit events of their own (`emergency_access.*`, detail.emergency =
 * true). What it opens: the client's details, care team and progress notes;
 * psychotherapy notes stay closed. The rules are EmergencyAccess's, in the
 * access module.
 */
@Injectable()
export class EmergencyAccessService {
  constructor(
    @Inject(EmergencyAccess) private readonly access: EmergencyAccess,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /** Clients of the practice outside the clinician's own caseload, by name: enough to pick the right one, nothing more. */
  async candidates(actor: StaffActor, query: EmergencyCandidatesQuery): Promise<Page<EmergencyCandidate>> {
    const keyset = new Keyset<{ sort_name: string; id: string }>(
      this.cursors,
      {
        scope: { list: 'emergency:clients', practiceId: actor.practiceId, within: actor.userId },
        direction: 'asc',
        keys: [
          { by: sql`lower(c.name)`, part: 'text', of: (r) => r.sort_name },
          { by: 'c.id', part: 'uuid', of: (r) => r.id },
        ],
      },
      query,
      10,
    );
    const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    const { rows, nextCursor } = await keyset.read(
      this.kdb
        .selectFrom('client as c')
        .select(['c.id', 'c.name', sql<string>`lower(c.name)`.as('sort_name')])
        .where('c.practice_id', '=', actor.practiceId)
        .where(sql<boolean>`lower(c.name) LIKE ${pattern}`)
        .where(sqlText<boolean>(`c.id NOT IN (${clientsReachedBy(slot('practice'), slot('me'))})`, { practice: actor.practiceId, me: actor.userId })),
    );
    return { items: rows.map((r) => ({ id: r.id, name: r.name })), nextCursor };
  }

  async open(actor: StaffActor, dto: OpenEmergencyAccessDto): Promise<EmergencyAccessGrant> {
    const id = crypto.randomUUID();
    await this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.assertMayOpen(actor, dto.clientId, tx);
      const already = await db
        .selectFrom('emergency_access')
        .select(sql.lit(1).as('one'))
        .where('practice_id', '=', actor.practiceId)
        .where('staff_user_id', '=', actor.userId)
        .where('client_id', '=', dto.clientId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .execute();
      if (already.length > 0) throw new ConflictError('emergency_access_open', 'You already have emergency access to this record. Open it from your emergency access list.');
      const sealed = this.cipher.encrypt(dto.reason.trim(), aadFor('emergency_access', actor.practiceId, id, 'reason'));
      await db
        .insertInto('emergency_access')
        .values({
          id,
          practice_id: actor.practiceId,
          staff_user_id: actor.userId,
          client_id: dto.clientId,
          key_id: sealed.keyId,
          reason_enc: sealed.ciphertext,
          started_at: sql`now()`,
          expires_at: sql`now() + make_interval(mins => ${EMERGENCY_ACCESS_MINUTES})`,
        })
        .execute();
      // Told: the client's care team (their own, and that of any couple they are in) and the admins, not the opener.
      const practice = actor.practiceId;
      const told = await db
        .insertInto('emergency_access_notice')
        .columns(['practice_id', 'emergency_access_id', 'recipient_id', 'reason'])
        .expression(
          sql`SELECT ${practice}, ${id}, staff_id, CASE WHEN bool_or(team) THEN 'care_team' ELSE 'admin' END FROM (
                SELECT ct.staff_user_id AS staff_id, true AS team FROM care_team_member ct
                 WHERE ct.practice_id = ${practice} AND ct.client_id = ${dto.clientId} AND ct.removed_at IS NULL
                UNION ALL
                SELECT ct.staff_user_id, true FROM couple_member cm
                  JOIN care_team_member ct ON ct.practice_id = cm.practice_id AND ct.couple_id = cm.couple_id AND ct.removed_at IS NULL
                 WHERE cm.practice_id = ${practice} AND cm.client_id = ${dto.clientId} AND cm.left_at IS NULL
                UNION ALL
                SELECT u.id, false FROM staff_user u WHERE u.practice_id = ${practice} AND u.active AND 'admin' = ANY(u.roles)
              ) who
              JOIN staff_user s ON s.practice_id = ${practice} AND s.id = who.staff_id AND s.active
              WHERE staff_id <> ${actor.userId}
              GROUP BY staff_id`,
        )
        .returning('recipient_id')
        .execute();
      await audit.record({
        action: 'emergency_access.opened',
        recordType: 'client',
        recordId: dto.clientId,
        subjectId: dto.clientId,
        detail: { emergency: true, emergencyAccessId: id, minutes: EMERGENCY_ACCESS_MINUTES, notified: told.length },
      });
    });
    return this.toGrant(await this.findGrant(actor, id));
  }

  /** The client's details and care team, under the clinician's open emergency access. Audited and marked. */
  async record(actor: StaffActor, grantId: string): Promise<EmergencyRecord> {
    const grant = await this.access.grant(actor, grantId);
    const client = await this.kdb
      .selectFrom('client')
      .select((eb) => [
        'id',
        'name',
        'preferred_name',
        'email',
        'phone',
        sql<string | null>`to_char(date_of_birth, 'YYYY-MM-DD')`.as('date_of_birth'),
        eb.ref('status').$castTo<EmergencyRecord['client']['status']>().as('status'),
      ])
      .where('practice_id', '=', actor.practiceId)
      .where('id', '=', grant.clientId)
      .executeTakeFirstOrThrow();
    const careTeam = await this.kdb
      .selectFrom('care_team_member as ct')
      .innerJoin('staff_user as u', (join) => join.onRef('u.practice_id', '=', 'ct.practice_id').onRef('u.id', '=', 'ct.staff_user_id'))
      .select(['u.id', 'u.name', 'ct.role'])
      .where('ct.practice_id', '=', actor.practiceId)
      .where('ct.client_id', '=', grant.clientId)
      .where('ct.removed_at', 'is', null)
      .orderBy('ct.role')
      .orderBy('u.name')
      .limit(20)
      .execute();
    await this.writes.event(actor, {
      action: 'emergency_access.record_read',
      recordType: 'client',
      recordId: grant.clientId,
      subjectId: grant.clientId,
      detail: { emergency: true, emergencyAccessId: grant.id },
    });
    return {
      grant: this.toGrant(await this.findGrant(actor, grantId)),
      client: {
        id: client.id,
        name: client.name,
        preferredName: client.preferred_name,
        email: client.email,
        phone: client.phone,
        dateOfBirth: client.date_of_birth,
        status: client.status,
      },
      careTeam,
    };
  }

  /** The client's own progress notes, newest first, with their text; each page read is one audit event naming its notes. */
  async notes(actor: StaffActor, grantId: string, query: PageQuery): Promise<Page<EmergencyNote>> {
    const grant = await this.access.grant(actor, grantId);
    const keyset = new Keyset(
      this.cursors,
      byNewest<{ session_date: string; id: string }>('emergency:notes', actor.practiceId, actor.userId, [
        { by: 'n.session_date', part: 'text', cast: 'date', of: (r) => r.session_date },
        { by: 'n.id', part: 'uuid', of: (r) => r.id },
      ]),
      query,
      20,
    );
    const { rows: page, nextCursor } = await keyset.read(
      this.kdb
        .selectFrom('session_note as n')
        .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'n.practice_id').onRef('u.id', '=', 'n.author_id'))
        .select((eb) => [
          'n.id',
          'n.practice_id',
          sql<string>`to_char(n.session_date, 'YYYY-MM-DD')`.as('session_date'),
          'n.format',
          eb.ref('n.status').$castTo<'draft' | 'signed'>().as('status'),
          'n.key_id',
          'n.sections_enc',
          'n.author_id',
          'u.name as author_name',
        ])
        .where('n.practice_id', '=', actor.practiceId)
        .where('n.client_id', '=', grant.clientId)
        .where(sql<boolean>`n.kind = ANY(${[...EMERGENCY_NOTE_KINDS]}::text[])`),
    );
    if (page.length > 0) {
      await this.writes.event(actor, {
        action: 'emergency_access.notes_read',
        recordType: 'client',
        recordId: grant.clientId,
        subjectId: grant.clientId,
        detail: { emergency: true, emergencyAccessId: grant.id, noteIds: page.map((r) => r.id) },
      });
    }
    const items = page.map((row) => ({
      id: row.id,
      sessionDate: row.session_date,
      format: row.format,
      status: row.status,
      author: { id: row.author_id, name: row.author_name },
      sections: JSON.parse(this.cipher.decrypt(row.sections_enc, row.key_id, aadFor('session_note', row.practice_id, row.id, 'sections'))) as Record<string, string>,
    }));
    return { items, nextCursor };
  }

  /** Ends one's emergency access before its time runs out. */
  async end(actor: StaffActor, grantId: string): Promise<EmergencyAccessGrant> {
    const grant = await this.access.grant(actor, grantId);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      await db.updateTable('emergency_access').set({ ended_at: sql`now()` }).where('practice_id', '=', actor.practiceId).where('id', '=', grant.id).where('ended_at', 'is', null).execute();
      await audit.record({ action: 'emergency_access.ended', recordType: 'client', recordId: grant.clientId, subjectId: grant.clientId, detail: { emergency: true, emergencyAccessId: grant.id } });
    });
    return this.toGrant(await this.findGrant(actor, grantId));
  }

  /** The clinician's own emergency accesses, newest first. */
  async listOwn(actor: StaffActor, query: PageQuery): Promise<Page<EmergencyAccessGrant>> {
    const keyset = new Keyset(
      this.cursors,
      byNewest<{ started_at: Date; id: string }>('emergency:grants', actor.practiceId, actor.userId, [
        { by: 'g.started_at', part: 'text', cast: 'timestamptz', of: (r) => r.started_at.toISOString() },
        { by: 'g.id', part: 'uuid', of: (r) => r.id },
      ]),
      query,
      20,
    );
    const { rows, nextCursor } = await keyset.read(selectGrants(this.kdb).where('g.practice_id', '=', actor.practiceId).where('g.staff_user_id', '=', actor.userId));
    return { items: rows.map((r) => this.toGrant(r)), nextCursor };
  }

  /** Notices addressed to the actor (care team or admin), newest first: a source for the attention queue. */
  async notices(actor: StaffActor, query: PageQuery): Promise<Page<EmergencyAccessNotice>> {
    const keyset = new Keyset(
      this.cursors,
      byNewest<{ notice_created_at: Date; notice_id: string }>('emergency:notices', actor.practiceId, actor.userId, [
        { by: 'n.created_at', part: 'text', cast: 'timestamptz', of: (r) => r.notice_created_at.toISOString() },
        { by: 'n.id', part: 'uuid', of: (r) => r.notice_id },
      ]),
      query,
      20,
    );
    const grants = selectGrants(this.kdb)
      .where(sql<boolean>`g.practice_id = n.practice_id AND g.id = n.emergency_access_id`)
      .as('g');
    const { rows, nextCursor } = await keyset.read(
      this.kdb
        .selectFrom('emergency_access_notice as n')
        .innerJoinLateral(grants, (j) => j.onTrue())
        .select((eb) => ['n.id as notice_id', eb.ref('n.reason').$castTo<'care_team' | 'admin'>().as('why'), 'n.created_at as notice_created_at', 'n.seen_at'])
        .selectAll('g')
        .where('n.practice_id', '=', actor.practiceId)
        .where('n.recipient_id', '=', actor.userId),
    );
    return {
      items: rows.map((r) => ({
        id: r.notice_id,
        why: r.why,
        createdAt: r.notice_created_at.toISOString(),
        seenAt: r.seen_at?.toISOString() ?? null,
        grant: this.toGrant(r),
      })),
      nextCursor,
    };
  }

  async markNoticeSeen(actor: StaffActor, noticeId: string): Promise<void> {
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const seen = await db
        .updateTable('emergency_access_notice')
        .set({ seen_at: sql`COALESCE(seen_at, now())` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', noticeId)
        .where('recipient_id', '=', actor.userId)
        .returning('emergency_access_id')
        .execute();
      if (seen.length === 0) throw new NotFoundError('notice');
      await audit.record({ action: 'emergency_access.notice_seen', recordType: 'emergency_access', recordId: seen[0]!.emergency_access_id });
    });
  }

  private async findGrant(actor: StaffActor, id: string): Promise<GrantRow> {
    const row = await selectGrants(this.kdb).where('g.practice_id', '=', actor.practiceId).where('g.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('emergency access');
    return row;
  }

  private toGrant(row: GrantRow): EmergencyAccessGrant {
    return {
      id: row.id,
      client: { id: row.client_id, name: row.client_name },
      clinician: { id: row.staff_user_id, name: row.staff_name },
      reason: this.cipher.decrypt(row.reason_enc, row.key_id, aadFor('emergency_access', row.practice_id, row.id, 'reason')),
      startedAt: row.started_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      endedAt: row.ended_at?.toISOString() ?? null,
      active: row.open,
    };
  }
}
