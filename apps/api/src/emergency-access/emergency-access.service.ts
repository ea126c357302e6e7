import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
import { modify } from '../common/sql.js';
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
    @InjectDataSource() private readonly db: DataSource,
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
    await this.writes.transaction(actor, async (tx, audit) => {
      await this.access.assertMayOpen(actor, dto.clientId, tx);
      const already = (await tx.query(
        `SELECT 1 FROM emergency_access WHERE practice_id = $1 AND staff_user_id = $2 AND client_id = $3 AND ended_at IS NULL AND expires_at > now()`,
        [actor.practiceId, actor.userId, dto.clientId],
      )) as unknown[];
      if (already.length > 0) throw new ConflictError('emergency_access_open', 'You already have emergency access to this record. Open it from your emergency access list.');
      const sealed = this.cipher.encrypt(dto.reason.trim(), aadFor('emergency_access', actor.practiceId, id, 'reason'));
      await tx.query(
        `INSERT INTO emergency_access (id, practice_id, staff_user_id, client_id, key_id, reason_enc, started_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now(), now() + make_interval(mins => $7))`,
        [id, actor.practiceId, actor.userId, dto.clientId, sealed.keyId, sealed.ciphertext, EMERGENCY_ACCESS_MINUTES],
      );
      // Told: the client's care team (their own, and that of any couple they are in) and the admins, not the opener.
      const told = await modify<{ recipient_id: string }>(
        tx,
        `INSERT INTO emergency_access_notice (practice_id, emergency_access_id, recipient_id, reason)
         SELECT $1, $2, staff_id, CASE WHEN bool_or(team) THEN 'care_team' ELSE 'admin' END FROM (
           SELECT ct.staff_user_id AS staff_id, true AS team FROM care_team_member ct
            WHERE ct.practice_id = $1 AND ct.client_id = $3 AND ct.removed_at IS NULL
           UNION ALL
           SELECT ct.staff_user_id, true FROM couple_member cm
             JOIN care_team_member ct ON ct.practice_id = cm.practice_id AND ct.couple_id = cm.couple_id AND ct.removed_at IS NULL
            WHERE cm.practice_id = $1 AND cm.client_id = $3 AND cm.left_at IS NULL
           UNION ALL
           SELECT u.id, false FROM staff_user u WHERE u.practice_id = $1 AND u.active AND 'admin' = ANY(u.roles)
         ) who
         JOIN staff_user s ON s.practice_id = $1 AND s.id = who.staff_id AND s.active
         WHERE staff_id <> $4
         GROUP BY staff_id
         RETURNING recipient_id`,
        [actor.practiceId, id, dto.clientId, actor.userId],
      );
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
    const [client] = (await this.db.query(
      `SELECT id, name, preferred_name, email, phone, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, status
         FROM client WHERE practice_id = $1 AND id = $2`,
      [actor.practiceId, grant.clientId],
    )) as Array<{ id: string; name: string; preferred_name: string | null; email: string | null; phone: string | null; date_of_birth: string | null; status: 'active' | 'discharged' }>;
    const careTeam = (await this.db.query(
      `SELECT u.id, u.name, ct.role FROM care_team_member ct JOIN staff_user u ON u.practice_id = ct.practice_id AND u.id = ct.staff_user_id
        WHERE ct.practice_id = $1 AND ct.client_id = $2 AND ct.removed_at IS NULL ORDER BY ct.role, u.name LIMIT 20`,
      [actor.practiceId, grant.clientId],
    )) as Array<{ id: string; name: string; role: string }>;
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
        id: client!.id,
        name: client!.name,
        preferredName: client!.preferred_name,
        email: client!.email,
        phone: client!.phone,
        dateOfBirth: client!.date_of_birth,
        status: client!.status,
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
    await this.writes.transaction(actor, async (tx, audit) => {
      await tx.query(`UPDATE emergency_access SET ended_at = now() WHERE practice_id = $1 AND id = $2 AND ended_at IS NULL`, [actor.practiceId, grant.id]);
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
    await this.writes.transaction(actor, async (tx, audit) => {
      const seen = await modify<{ emergency_access_id: string }>(
        tx,
        `UPDATE emergency_access_notice SET seen_at = COALESCE(seen_at, now())
          WHERE practice_id = $1 AND id = $2 AND recipient_id = $3 RETURNING emergency_access_id`,
        [actor.practiceId, noticeId, actor.userId],
      );
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
