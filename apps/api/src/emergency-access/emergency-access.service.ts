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
import { PageCursors, pageLimit } from '../common/cursor.js';
import type { PageQuery } from '../common/page-query.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { aadFor, FieldCipher } from '../encryption/field-cipher.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { EmergencyCandidatesQuery, OpenEmergencyAccessDto } from './dto/emergency-access.dto.js';

/** A grant with the names of its client and clinician; callers add the WHERE. */
const grantSelect = (db: Db) =>
  db
    .selectFrom('emergency_access as g')
    .innerJoin('client as c', (join) => join.onRef('c.practice_id', '=', 'g.practice_id').onRef('c.id', '=', 'g.client_id'))
    .innerJoin('staff_user as u', (join) => join.onRef('u.practice_id', '=', 'g.practice_id').onRef('u.id', '=', 'g.staff_user_id'))
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

type GrantRow = Awaited<ReturnType<ReturnType<typeof grantSelect>['executeTakeFirstOrThrow']>>;

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
    const limit = pageLimit(query.limit, 10);
    const cursorScope = { list: 'emergency:clients', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    const params: unknown[] = [actor.practiceId, actor.userId, `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = `AND (lower(c.name), c.id) > ($5, $6::uuid)`;
    }
    const rows = (await this.db.query(
      `SELECT c.id, c.name, lower(c.name) AS sort_name FROM client c
        WHERE c.practice_id = $1 AND lower(c.name) LIKE $3
          AND c.id NOT IN (${clientsReachedBy('$1', '$2')}) ${keyset}
        ORDER BY lower(c.name), c.id LIMIT $4`,
      params,
    )) as Array<{ id: string; name: string; sort_name: string }>;
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map((r) => ({ id: r.id, name: r.name })), nextCursor: last ? this.cursors.encode(cursorScope, [last.sort_name, last.id]) : null };
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
    const limit = pageLimit(query.limit, 20);
    const cursorScope = { list: 'emergency:notes', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    let q = this.kdb
      .selectFrom('session_note as n')
      .innerJoin('staff_user as u', (join) => join.onRef('u.practice_id', '=', 'n.practice_id').onRef('u.id', '=', 'n.author_id'))
      .select((eb) => [
        'n.id',
        'n.practice_id',
        sql<string>`to_char(n.session_date, 'YYYY-MM-DD')`.as('session_date'),
        'n.format',
        eb.ref('n.status').$castTo<EmergencyNote['status']>().as('status'),
        'n.key_id',
        'n.sections_enc',
        'n.author_id',
        'u.name as author_name',
      ])
      .where('n.practice_id', '=', actor.practiceId)
      .where('n.client_id', '=', grant.clientId)
      .where(sql<boolean>`n.kind = ANY(${[...EMERGENCY_NOTE_KINDS]}::text[])`);
    if (after) q = q.where(sql<boolean>`(n.session_date, n.id) < (${after[0]}::date, ${after[1]}::uuid)`);
    const rows = await q.orderBy('n.session_date', 'desc').orderBy('n.id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
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
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? this.cursors.encode(cursorScope, [last.session_date, last.id]) : null };
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
    const limit = pageLimit(query.limit, 20);
    const cursorScope = { list: 'emergency:grants', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    let q = grantSelect(this.kdb).where('g.practice_id', '=', actor.practiceId).where('g.staff_user_id', '=', actor.userId);
    if (after) q = q.where(sql<boolean>`(g.started_at, g.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const rows = await q.orderBy('g.started_at', 'desc').orderBy('g.id', 'desc').limit(limit + 1).execute();
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items: rows.slice(0, limit).map((r) => this.toGrant(r)), nextCursor: last ? this.cursors.encode(cursorScope, [last.started_at.toISOString(), last.id]) : null };
  }

  /** Notices addressed to the actor (care team or admin), newest first: a source for the attention queue. */
  async notices(actor: StaffActor, query: PageQuery): Promise<Page<EmergencyAccessNotice>> {
    const limit = pageLimit(query.limit, 20);
    const cursorScope = { list: 'emergency:notices', practiceId: actor.practiceId, within: actor.userId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    let q = this.kdb
      .selectFrom('emergency_access_notice as n')
      .innerJoinLateral(
        grantSelect(this.kdb)
          .where(sql<boolean>`g.practice_id = n.practice_id AND g.id = n.emergency_access_id`)
          .as('g'),
        (join) => join.onTrue(),
      )
      .select((eb) => ['n.id as notice_id', eb.ref('n.reason').$castTo<EmergencyAccessNotice['why']>().as('why'), 'n.created_at as notice_created_at', 'n.seen_at'])
      .selectAll('g')
      .where('n.practice_id', '=', actor.practiceId)
      .where('n.recipient_id', '=', actor.userId);
    if (after) q = q.where(sql<boolean>`(n.created_at, n.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const rows = await q.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(limit + 1).execute();
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map((r) => ({
        id: r.notice_id,
        why: r.why,
        createdAt: r.notice_created_at.toISOString(),
        seenAt: r.seen_at?.toISOString() ?? null,
        grant: this.toGrant(r),
      })),
      nextCursor: last ? this.cursors.encode(cursorScope, [last.notice_created_at.toISOString(), last.notice_id]) : null,
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
    const row = await grantSelect(this.kdb).where('g.practice_id', '=', actor.practiceId).where('g.id', '=', id).executeTakeFirst();
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
