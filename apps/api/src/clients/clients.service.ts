import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, type ExpressionBuilder } from 'kysely';
import { EARLIEST_DATE_OF_BIRTH, POSSIBLE_DUPLICATE_CLIENT, type ClientDetail, type ClientStatus, type ClientSummary, type HomeworkStats, type Page } from '@tandem/shared';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { AccessService, clientsReachedBy, coupleShownTo, onClientTeam } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { listScope, clientAccess, reachOf, type ClientAccessAnswer } from '../access/rules.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import type { RowChange } from '../db/rows.js';
import { Keyset, keysetForm, type KeysetForm, type KeysetSlots, type KeysetSpec } from '../db/keyset.js';
import { compiledPerForm, type Slots } from '../db/compiled-once.js';
import type { DB } from '../db/schema.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { SqlRunner } from '../common/sql.js';
import { CareTeamService, IN_COUPLE_WITH_CLINICIAN, primaryClinician } from '../care-teams/care-team.service.js';
import type { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import { endPortalLinks } from '../portal/portal-links.service.js';
import { practiceToday } from '../practices/practice-today.js';
import type { CreateClientDto, ListClientsQuery, UpdateClientDto } from './dto/client.dto.js';

/**
 * Columns every client read shares: the primary clinician and current couples come along in one query.
 * `couplesShown` is a predicate on `cp`: only couples the reader may open are named (their names
 * usually name the partner).
 */
// `(…) IS TRUE` keeps the rule a test of each of the client's couples: as a bare EXISTS the planner
// turns it into a join that starts from every couple on the clinician's team, for every client on the
// page (765 pages read instead of 184 for a page of 30 at the bench's large size).
const couplesOf = (couplesShown: string) => `
  COALESCE((SELECT json_agg(json_build_object('id', cp.id, 'displayName', cp.display_name) ORDER BY cp.display_name)
              FROM couple_member cm JOIN couple cp ON cp.practice_id = cm.practice_id AND cp.id = cm.couple_id
             WHERE cm.practice_id = c.practice_id AND cm.client_id = c.id AND cm.left_at IS NULL AND (${couplesShown}) IS TRUE), '[]')`;

/** What shapes a clients list statement: each combination is compiled the first time it is asked for. */
interface ClientListForm {
  own: boolean;
  /** SQL of the access rules, per row: whether the asker sees the client's homework, and a couple's name. */
  seesHomework: string;
  couplesShown: string;
  sort: 'name' | 'recent';
  clinician: boolean;
  unassigned: boolean;
  status: boolean;
  hasCouple: 'true' | 'false' | null;
  search: boolean;
  page: KeysetForm;
}

/** The clients list (the caseload page), compiled per form (ClientListForm, as JSON). */
const clientsPage = compiledPerForm(
  (db, p: Slots<{ practice: string; me: string; who: string; status: ClientStatus; pattern: string } & KeysetSlots>, json: string) => {
    const form = JSON.parse(json) as ClientListForm;
    const { seesHomework, couplesShown } = form;
    const P = slot('practice');
    let q = db
      .selectFrom('client as c')
      .leftJoinLateral(primaryClinician('client_id'), (join) => join.onTrue())
      .where('c.practice_id', '=', p.practice);
    if (form.own) q = q.where(sqlText<boolean>(`c.id IN (${clientsReachedBy(P, slot('me'))})`, p));
    if (form.clinician) q = q.where(sqlText<boolean>(`c.id IN (${clientsReachedBy(P, slot('who'))})`, p));
    // Waiting for a clinician: no primary of their own, and not in a couple that has one (its clinician sees them).
    if (form.unassigned) q = q.where('p.staff_user_id', 'is', null).where(sqlText<boolean>(`NOT ${IN_COUPLE_WITH_CLINICIAN}`));
    if (form.status) q = q.where('c.status', '=', p.status);
    if (form.hasCouple) {
      q = q.where(
        sqlText<boolean>(
          `${form.hasCouple === 'true' ? '' : 'NOT '}EXISTS (SELECT 1 FROM couple_member cm JOIN couple cp ON cp.practice_id = cm.practice_id AND cp.id = cm.couple_id
                WHERE cm.practice_id = c.practice_id AND cm.client_id = c.id AND cm.left_at IS NULL AND ${couplesShown})`,
          p,
        ),
      );
    }
    if (form.search) q = q.where(sql<boolean>`lower(c.name || ' ' || coalesce(c.preferred_name, '')) LIKE ${p.pattern}`);
    const spec = form.sort === 'recent' ? CLIENTS_BY_RECENT('') : CLIENTS_BY_NAME('');
    return keysetForm(q.select(summaryColumns(couplesShown, p)).select(sqlText<boolean>(seesHomework, p).as('sees_homework')), spec, p, form.page);
  },
);

/** For typed queries on `client as c` joined to `primaryClinician('client_id')`. */
const summaryColumns = (couplesShown: string, values: Record<string, unknown>) =>
  (eb: ExpressionBuilder<DB & { c: DB['client']; p: { staff_user_id: string | null; name: string | null } }, 'c' | 'p'>) => [
    'c.id' as const,
    'c.name' as const,
    'c.preferred_name' as const,
    eb.ref('c.status').$castTo<ClientStatus>().as('status'),
    'c.created_at' as const,
    sql<string>`lower(c.name)`.as('sort_name'),
    'p.staff_user_id as primary_id' as const,
    'p.name as primary_name' as const,
    sqlText<Array<{ id: string; displayName: string }>>(couplesOf(couplesShown), values).as('couples'),
  ];

type ListKey = { sort_name: string; created_at: Date; id: string };
const CLIENTS_BY_NAME = (practiceId: string): KeysetSpec<ListKey> => ({
  scope: { list: 'clients', practiceId },
  direction: 'asc',
  keys: [
    { by: sql`lower(c.name)`, part: 'text', of: (r) => r.sort_name },
    { by: 'c.id', part: 'uuid', of: (r) => r.id },
  ],
});
const CLIENTS_BY_RECENT = (practiceId: string): KeysetSpec<ListKey> => ({
  scope: { list: 'clients:recent', practiceId },
  direction: 'desc',
  keys: [
    { by: 'c.created_at', part: 'timestamp', of: (r) => r.created_at.toISOString() },
    { by: 'c.id', part: 'uuid', of: (r) => r.id },
  ],
});

type SummaryRow = Pick<ListKey, 'id' | 'created_at'> & {
  name: string;
  preferred_name: string | null;
  status: ClientStatus;
  primary_id: string | null;
  primary_name: string | null;
  couples: Array<{ id: string; displayName: string }>;
};

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
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /** Admins list the whole practice; clinicians only the clients their care teams reach. */
  async list(actor: StaffActor, query: ListClientsQuery): Promise<Page<ClientSummary>> {
    const keyset = new Keyset(this.cursors, query.sort === 'recent' ? CLIENTS_BY_RECENT(actor.practiceId) : CLIENTS_BY_NAME(actor.practiceId), query);
    if (query.clinicianId || query.unassigned) this.access.assertCaseloadsOfOthers(actor);
    const own = listScope(actor) === 'own';
    const form: ClientListForm = {
      own,
      // Homework status is the client's own care team's (and admins') to see, not a couple clinician's
      // (the access rules' homework.read, per row); couples are named only to those who may open them.
      seesHomework: own ? onClientTeam('c', slot('me')) : 'true',
      couplesShown: own ? coupleShownTo(actor, 'cp', slot('me')) : 'true',
      sort: query.sort === 'recent' ? 'recent' : 'name',
      clinician: Boolean(query.clinicianId),
      unassigned: Boolean(query.unassigned),
      status: Boolean(query.status),
      hasCouple: query.hasCouple ?? null,
      search: Boolean(query.q?.trim()),
      page: keyset.form,
    };
    const pattern = query.q?.trim() ? `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%` : '';
    const values = { practice: actor.practiceId, me: actor.userId, who: query.clinicianId ?? '', status: query.status ?? 'active', pattern, ...keyset.slotValues };
    const { rows: read } = await clientsPage.execute(this.kdb, JSON.stringify(form), values);
    const { rows, nextCursor } = keyset.page(read);
    const stats = await this.homework.forSubjects(actor, 'client', rows.filter((r) => r.sees_homework).map((r) => r.id));
    return { items: rows.map((r) => toSummary(r, stats.get(r.id) ?? null)), nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<ClientDetail> {
    const access = await this.access.client(actor, id);
    return this.detail(this.db, actor, id, access);
  }

  /** Admins create clients; naming a primary clinician puts the client on that caseload at once. */
  async create(actor: StaffActor, dto: CreateClientDto): Promise<ClientDetail> {
    await this.checkDateOfBirth(actor, dto.dateOfBirth);
    return this.writes.transaction(actor, async (tx, audit, db) => {
      if (dto.dateOfBirth && !dto.confirmDuplicate) await this.refuseLikelyDuplicate(db, actor, dto.name, dto.dateOfBirth);
      const { id } = await db
        .insertInto('client')
        .values({
          practice_id: actor.practiceId,
          name: dto.name,
          preferred_name: dto.preferredName ?? null,
          email: dto.email ?? null,
          phone: dto.phone ?? null,
          date_of_birth: dto.dateOfBirth ?? null,
          preferred_language: dto.preferredLanguage ?? 'en',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
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
    const changes = Object.fromEntries(
      Object.entries({
        name: dto.name,
        preferred_name: dto.preferredName,
        email: dto.email,
        phone: dto.phone,
        date_of_birth: dto.dateOfBirth,
        preferred_language: dto.preferredLanguage,
      }).filter(([, v]) => v !== undefined),
    ) as RowChange<'client'>;
    return this.writes.transaction(actor, async (tx, audit, db) => {
      const updated = await db
        .updateTable('client')
        .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('version', '=', dto.version)
        .returning('id')
        .execute();
      if (updated.length === 0) throw this.staleEdit();
      const changed = Object.keys(changes);
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
    await this.writes.transaction(actor, async (tx, audit, db) => {
      const changed = await db
        .updateTable('client')
        .set({
          status,
          discharged_at: status === 'discharged' ? sql`COALESCE(discharged_at, now())` : null,
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('status', '<>', status)
        .returning('id')
        .execute();
      if (changed.length > 0) {
        let cancelled: Array<{ id: string }> = [];
        if (status === 'discharged') {
          cancelled = await db
            .updateTable('assignment as a')
            .set({ cancelled_at: sql`now()`, cancelled_by: actor.userId, version: sql`a.version + 1` })
            .where('a.practice_id', '=', actor.practiceId)
            .where('a.client_id', '=', id)
            .where('a.cancelled_at', 'is', null)
            .where(sql<boolean>`EXISTS (SELECT 1 FROM assignment_occurrence o WHERE o.practice_id = a.practice_id AND o.assignment_id = a.id AND o.pending > 0)`)
            .returning('a.id')
            .execute();
          if (cancelled.length > 0) {
            await db
              .updateTable('assignment_occurrence')
              .set({ cancelled: true })
              .where('practice_id', '=', actor.practiceId)
              .where(sql<boolean>`assignment_id = ANY(${cancelled.map((a) => a.id)}::uuid[])`)
              .where('pending', '>', 0)
              .execute();
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
  private async refuseLikelyDuplicate(db: Db, actor: StaffActor, name: string, dateOfBirth: string) {
    const match = await db
      .selectFrom('client as c')
      .select(['c.name', 'c.status', 'c.created_at'])
      .where('c.practice_id', '=', actor.practiceId)
      .where(sql<boolean>`lower(c.name) = lower(${name.trim()})`)
      .where(sql<boolean>`c.date_of_birth = ${dateOfBirth}::date`)
      .orderBy('c.created_at')
      .limit(1)
      .executeTakeFirst();
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
    const couplesShown = coupleShownTo(actor, 'cp', slot('me'));
    const values = { me: actor.userId };
    const db = kyselyOn(runner);
    const row = await db
      .selectFrom('client as c')
      .leftJoinLateral(primaryClinician('client_id'), (join) => join.onTrue())
      .select(summaryColumns(couplesShown, values))
      .select(['c.email', 'c.phone', sql<string | null>`to_char(c.date_of_birth, 'YYYY-MM-DD')`.as('date_of_birth'), 'c.preferred_language', 'c.discharged_at', 'c.version'])
      .where('c.practice_id', '=', practiceId)
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('client');
    const history = await db
      .selectFrom('couple_member as cm')
      .innerJoin('couple as cp', (j) => j.onRef('cp.practice_id', '=', 'cm.practice_id').onRef('cp.id', '=', 'cm.couple_id'))
      .select(['cp.id', 'cp.display_name', 'cm.joined_at', 'cm.left_at'])
      .where('cm.practice_id', '=', practiceId)
      .where('cm.client_id', '=', id)
      .where(sqlText<boolean>(couplesShown, values))
      .orderBy('cm.joined_at')
      .execute();
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
