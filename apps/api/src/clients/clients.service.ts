import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EARLIEST_DATE_OF_BIRTH, POSSIBLE_DUPLICATE_CLIENT, type ClientDetail, type ClientStatus, type ClientSummary, type HomeworkStats, type Page } from '@tandem/shared';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { AccessService, clientsReachedBy, coupleShownTo, onClientTeam } from '../access/access.service.js';
import { isAdmin, type StaffActor } from '../access/actor.js';
import { listScope, clientAccess, reachOf, type ClientAccessAnswer } from '../access/rules.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { CareTeamService, IN_COUPLE_WITH_CLINICIAN, primaryClinicianJoin } from '../care-teams/care-team.service.js';
import type { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import { endPortalLinks } from '../portal/portal-links.service.js';
import { practiceToday } from '../practices/practice-today.js';
import type { CreateClientDto, ListClientsQuery, UpdateClientDto } from './dto/client.dto.js';

interface SummaryRow {
  id: string;
  name: string;
  preferred_name: string | null;
  status: ClientStatus;
  created_at: Date;
  sort_name: string;
  primary_id: string | null;
  primary_name: string | null;
  couples: Array<{ id: string; displayName: string }>;
  sees_homework?: boolean;
}

interface DetailRow extends SummaryRow {
  email: string | null;
  phone: string | null;
  date_of_birth: string | null;
  preferred_language: string;
  discharged_at: Date | null;
  version: number;
}

/**
 * Columns every client read shares: the primary clinician and current couples come along in one query.
 * `couplesShown` is a predicate on `cp`: only couples the reader may open are named (their names
 * usually name the partner).
 */
const summaryColumns = (couplesShown: string) => `
  c.id, c.name, c.preferred_name, c.status, c.created_at, lower(c.name) AS sort_name,
  p.staff_user_id AS primary_id, p.name AS primary_name,
  COALESCE((SELECT json_agg(json_build_object('id', cp.id, 'displayName', cp.display_name) ORDER BY cp.display_name)
              FROM couple_member cm JOIN couple cp ON cp.practice_id = cm.practice_id AND cp.id = cm.couple_id
             WHERE cm.practice_id = c.practice_id AND cm.client_id = c.id AND cm.left_at IS NULL AND ${couplesShown}), '[]') AS couples`;

const PRIMARY_JOIN = primaryClinicianJoin('client_id');

function toSummary(row: SummaryRow, homework: HomeworkStats | null): ClientSummary {
  return {
    id: row.id,
    name: row.name,
    preferredName: row.preferred_name,
    status: row.status,
    primaryClinician: row.primary_id ? { id: row.primary_id, name: row.primary_name! } : null,
    couples: row.couples,
    createdAt: row.created_at.toISOString(),
    homework,
  };
}

@Injectable()
export class ClientsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(CareTeamService) private readonly careTeams: CareTeamService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(HomeworkStatsService) private readonly homework: HomeworkStatsService,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  /** Admins list the whole practice; clinicians only the clients their care teams reach. */
  async list(actor: StaffActor, query: ListClientsQuery): Promise<Page<ClientSummary>> {
    const limit = pageLimit(query.limit);
    const recent = query.sort === 'recent';
    const cursorScope = { list: recent ? 'clients:recent' : 'clients', practiceId: actor.practiceId };
    const after = this.cursors.decode(query.cursor, cursorScope, [recent ? 'timestamp' : 'text', 'uuid']);
    const params: unknown[] = [actor.practiceId];
    const where = ['c.practice_id = $1'];
    const add = (value: unknown) => `$${params.push(value)}`;

    // Homework status is the client's own care team's (and admins') to see, not a couple clinician's
    // (the access rules' homework.read, per row).
    let seesHomework = 'true';
    let couplesShown = 'true';
    if (listScope(actor) === 'own') {
      const me = add(actor.userId);
      where.push(`c.id IN (${clientsReachedBy('$1', me)})`);
      seesHomework = onClientTeam('c', me);
      couplesShown = coupleShownTo(actor, 'cp', me);
    }
    if (query.clinicianId || query.unassigned) this.access.assertCaseloadsOfOthers(actor);
    if (query.clinicianId) {
      const who = add(query.clinicianId);
      where.push(`c.id IN (${clientsReachedBy('$1', who)})`);
    }
    // Waiting for a clinician: no primary of their own, and not in a couple that has one (its clinician sees them).
    if (query.unassigned) where.push(`p.staff_user_id IS NULL AND NOT ${IN_COUPLE_WITH_CLINICIAN}`);
    if (query.status) where.push(`c.status = ${add(query.status)}`);
    if (query.hasCouple) {
      where.push(
        `${query.hasCouple === 'true' ? '' : 'NOT '}EXISTS (SELECT 1 FROM couple_member cm JOIN couple cp ON cp.practice_id = cm.practice_id AND cp.id = cm.couple_id
                WHERE cm.practice_id = c.practice_id AND cm.client_id = c.id AND cm.left_at IS NULL AND ${couplesShown})`,
      );
    }
    if (query.q?.trim()) {
      const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
      where.push(`lower(c.name || ' ' || coalesce(c.preferred_name, '')) LIKE ${add(pattern)}`);
    }
    if (after) {
      where.push(
        recent
          ? `(c.created_at, c.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`
          : `(lower(c.name), c.id) > (${add(after[0])}, ${add(after[1])}::uuid)`,
      );
    }
    const order = recent ? 'c.created_at DESC, c.id DESC' : 'lower(c.name), c.id';
    const rows = (await this.db.query(
      `SELECT ${summaryColumns(couplesShown)}, ${seesHomework} AS sees_homework FROM client c ${PRIMARY_JOIN}
        WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${add(limit + 1)}`,
      params,
    )) as SummaryRow[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const page = rows.slice(0, limit);
    const stats = await this.homework.forSubjects(actor, 'client', page.filter((r) => r.sees_homework).map((r) => r.id));
    return {
      items: page.map((r) => toSummary(r, stats.get(r.id) ?? null)),
      nextCursor: last ? this.cursors.encode(cursorScope, recent ? [last.created_at.toISOString(), last.id] : [last.sort_name, last.id]) : null,
    };
  }

  async get(actor: StaffActor, id: string): Promise<ClientDetail> {
    const access = await this.access.client(actor, id);
    return this.detail(this.db, actor, id, access);
  }

  /** Admins create clients; naming a primary clinician puts the client on that caseload at once. */
  async create(actor: StaffActor, dto: CreateClientDto): Promise<ClientDetail> {
    await this.checkDateOfBirth(actor, dto.dateOfBirth);
    return this.writes.transaction(actor, async (tx, audit) => {
      if (dto.dateOfBirth && !dto.confirmDuplicate) await this.refuseLikelyDuplicate(tx, actor, dto.name, dto.dateOfBirth);
      const [{ id }] = (await tx.query(
        `INSERT INTO client (practice_id, name, preferred_name, email, phone, date_of_birth, preferred_language)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [actor.practiceId, dto.name, dto.preferredName ?? null, dto.email ?? null, dto.phone ?? null, dto.dateOfBirth ?? null, dto.preferredLanguage ?? 'en'],
      )) as Array<{ id: string }>;
      if (dto.primaryClinicianId) await this.careTeams.replace(tx, actor, { clientId: id }, dto.primaryClinicianId, []);
      await audit.record({ action: 'client.created', recordType: 'client', recordId: id, subjectId: id });
      // Its creator reaches it as the admin they are (even when they named themselves its primary clinician).
      return this.detail(tx, actor, id, clientAccess(reachOf(actor, { onTeam: false }))!);
    });
  }

  /** Optimistic concurrency: the edit names the version it started from; a stale one gets 409. */
  async update(actor: StaffActor, id: string, dto: UpdateClientDto): Promise<ClientDetail> {
    const access = await this.access.client(actor, id, 'details.edit');
    await this.checkDateOfBirth(actor, dto.dateOfBirth);
    const fields: Array<[string, unknown]> = (
      [
        ['name', dto.name],
        ['preferred_name', dto.preferredName],
        ['email', dto.email],
        ['phone', dto.phone],
        ['date_of_birth', dto.dateOfBirth],
        ['preferred_language', dto.preferredLanguage],
      ] as Array<[string, unknown]>
    ).filter(([, v]) => v !== undefined);
    const params: unknown[] = [actor.practiceId, id, dto.version, ...fields.map(([, v]) => v)];
    const sets = fields.map(([column], i) => `${column} = $${i + 4}`);
    return this.writes.transaction(actor, async (tx, audit) => {
      const updated = await modify<{ id: string }>(
        tx,
        `UPDATE client SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`,
        params,
      );
      if (updated.length === 0) throw this.staleEdit();
      const changed = fields.map(([column]) => column);
      await audit.record({ action: 'client.updated', recordType: 'client', recordId: id, subjectId: id, detail: { fields: changed } });
      return this.detail(tx, actor, id, access);
    });
  }

  /**
   * Discharge ends the client's portal access, so their open individual homework
   * can no longer be done: it is cancelled in the same transaction (what was
   * submitted stays), each cancellation audited. Couple homework belongs to the
   * couple and is left to its care team. Reactivating does not bring it back.
   */
  async setStatus(actor: StaffActor, id: string, status: ClientStatus): Promise<ClientDetail> {
    const access = await this.access.client(actor, id, 'details.edit');
    await this.writes.transaction(actor, async (tx, audit) => {
      const changed = await modify(
        tx,
        `UPDATE client SET status = $3,
                discharged_at = CASE WHEN $3 = 'discharged' THEN COALESCE(discharged_at, now()) ELSE NULL END,
                version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND status <> $3 RETURNING id`,
        [actor.practiceId, id, status],
      );
      if (changed.length > 0) {
        let cancelled: Array<{ id: string }> = [];
        if (status === 'discharged') {
          cancelled = await modify<{ id: string }>(
            tx,
            `UPDATE assignment a SET cancelled_at = now(), cancelled_by = $3, version = a.version + 1
              WHERE a.practice_id = $1 AND a.client_id = $2 AND a.cancelled_at IS NULL
                AND EXISTS (SELECT 1 FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.pending > 0)
              RETURNING a.id`,
            [actor.practiceId, id, actor.userId],
          );
          if (cancelled.length > 0) {
            await tx.query(`UPDATE assignment_occurrence SET cancelled = true WHERE practice_id = $1 AND assignment_id = ANY($2::uuid[]) AND pending > 0`, [
              actor.practiceId,
              cancelled.map((a) => a.id),
            ]);
          }
          for (const a of cancelled) {
            await audit.record({ action: 'assignment.cancelled', recordType: 'assignment', recordId: a.id, subjectId: id, detail: { reason: 'discharged' } });
          }
        }
        const action = status === 'discharged' ? 'client.discharged' : 'client.reactivated';
        await audit.record({ action, recordType: 'client', recordId: id, subjectId: id, ...(status === 'discharged' ? { detail: { homeworkCancelled: cancelled.length } } : {}) });
        // Discharge ends portal access for good: reactivating does not revive a link; the client needs a new one.
        if (status === 'discharged') await endPortalLinks(tx, audit, actor, id, { discharged: true });
      }
    });
    // Read after the commit: the homework counts come from another connection.
    return this.detail(this.db, actor, id, access);
  }

  /** A date of birth from 1900 up to today in the practice's time zone. */
  private async checkDateOfBirth(actor: StaffActor, dateOfBirth: string | null | undefined) {
    if (!dateOfBirth) return;
    if (dateOfBirth < EARLIEST_DATE_OF_BIRTH) throw new ValidationFailedError({ dateOfBirth: `must be on or after ${EARLIEST_DATE_OF_BIRTH}` });
    if (dateOfBirth > (await practiceToday(this.db, actor))) throw new ValidationFailedError({ dateOfBirth: 'cannot be in the future' });
  }

  /**
   * Same name (ignoring case and spaces around it) and same date of birth as an existing client
   * of the practice: most likely the same person added twice. The admin confirms to go ahead.
   */
  private async refuseLikelyDuplicate(tx: SqlRunner, actor: StaffActor, name: string, dateOfBirth: string) {
    const [match] = (await tx.query(
      `SELECT c.name, c.status, c.created_at FROM client c
        WHERE c.practice_id = $1 AND lower(c.name) = lower($2) AND c.date_of_birth = $3::date
        ORDER BY c.created_at LIMIT 1`,
      [actor.practiceId, name.trim(), dateOfBirth],
    )) as Array<{ name: string; status: ClientStatus; created_at: Date }>;
    if (!match) return;
    throw new ConflictError(
      POSSIBLE_DUPLICATE_CLIENT,
      `${match.name}, born ${dateOfBirth}, is already a${match.status === 'discharged' ? ' discharged' : 'n active'} client of the practice. Add another client with the same name and date of birth only if this is a different person.`,
    );
  }

  async setCareTeam(actor: StaffActor, id: string, dto: SetCareTeamDto): Promise<ClientDetail> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const access = await this.access.client(actor, id, 'membership.edit', tx);
      const change = await this.careTeams.replace(tx, actor, { clientId: id }, dto.primaryClinicianId, dto.otherClinicianIds);
      await audit.record({ action: 'client.care_team_changed', recordType: 'client', recordId: id, subjectId: id, detail: { ...change } });
      return this.detail(tx, actor, id, access);
    });
  }

  private staleEdit() {
    return new ConflictError(
      'stale_version',
      'Someone else changed this client since you opened it. Reload to see their changes, then apply yours again.',
    );
  }

  private async detail(runner: SqlRunner, actor: StaffActor, id: string, access: ClientAccessAnswer): Promise<ClientDetail> {
    const practiceId = actor.practiceId;
    // Couples (current and past) are named only to those who may open them.
    const admin = isAdmin(actor);
    const couplesShown = coupleShownTo(actor, 'cp', '$3');
    const params = admin ? [practiceId, id] : [practiceId, id, actor.userId];
    const [row] = (await runner.query(
      `SELECT ${summaryColumns(couplesShown)}, c.email, c.phone, to_char(c.date_of_birth, 'YYYY-MM-DD') AS date_of_birth,
              c.preferred_language, c.discharged_at, c.version
         FROM client c ${PRIMARY_JOIN} WHERE c.practice_id = $1 AND c.id = $2`,
      params,
    )) as DetailRow[];
    if (!row) throw new NotFoundError('client');
    const history = (await runner.query(
      `SELECT cp.id, cp.display_name, cm.joined_at, cm.left_at
         FROM couple_member cm JOIN couple cp ON cp.practice_id = cm.practice_id AND cp.id = cm.couple_id
        WHERE cm.practice_id = $1 AND cm.client_id = $2 AND ${couplesShown} ORDER BY cm.joined_at`,
      params,
    )) as Array<{ id: string; display_name: string; joined_at: Date; left_at: Date | null }>;
    const basicOnly = !access.may.contact.read;
    const stats = access.may.homework.read ? await this.homework.forSubjects(practiceId, 'client', [id]) : new Map<string, HomeworkStats>();
    return {
      ...toSummary(row, stats.get(id) ?? null),
      email: basicOnly ? null : row.email,
      phone: basicOnly ? null : row.phone,
      dateOfBirth: basicOnly ? null : row.date_of_birth,
      preferredLanguage: row.preferred_language,
      dischargedAt: row.discharged_at?.toISOString() ?? null,
      version: row.version,
      access: access.via,
      careTeam: await this.careTeams.members(runner, practiceId, { clientId: id }),
      coupleHistory: history.map((h) => ({
        id: h.id,
        displayName: h.display_name,
        joinedAt: h.joined_at.toISOString(),
        leftAt: h.left_at?.toISOString() ?? null,
      })),
    };
  }
}
