import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import type { ConjointSafety, CoupleDetail, CoupleSummary, HomeworkStats, Page } from '@tandem/shared';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { AccessService, onCoupleTeam } from '../access/access.service.js';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import type { StaffActor } from '../access/actor.js';
import { listScope } from '../access/rules.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, type KeysetSpec } from '../db/keyset.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { SqlRunner } from '../common/sql.js';
import { CareTeamService, primaryClinician } from '../care-teams/care-team.service.js';
import type { SetCareTeamDto } from '../care-teams/dto/care-team.dto.js';
import type { AddMemberDto, CreateCoupleDto, ListCouplesQuery, SetSafetyDto, UpdateCoupleDto } from './dto/couple.dto.js';

interface SummaryRow {
  id: string;
  display_name: string;
  sort_name: string;
  conjoint_safety: ConjointSafety;
  created_at: Date;
  primary_id: string | null;
  primary_name: string | null;
  members: Array<{ id: string; name: string; preferredName: string | null }>;
}

/** The current members of couple `c`, as JSON. */
const MEMBERS = `
  COALESCE((SELECT json_agg(json_build_object('id', cl.id, 'name', cl.name, 'preferredName', cl.preferred_name) ORDER BY cm.joined_at, cl.name)
              FROM couple_member cm JOIN client cl ON cl.practice_id = cm.practice_id AND cl.id = cm.client_id
             WHERE cm.practice_id = c.practice_id AND cm.couple_id = c.id AND cm.left_at IS NULL), '[]')`;

/** What every couple read shows, on `couple as c` joined to `primaryClinician('couple_id')`. */
const SUMMARY = [
  'c.id',
  'c.display_name',
  sql<string>`lower(c.display_name)`.as('sort_name'),
  sql<ConjointSafety>`c.conjoint_safety`.as('conjoint_safety'),
  'c.created_at',
  'p.staff_user_id as primary_id',
  'p.name as primary_name',
  sql<SummaryRow['members']>`${sql.raw(MEMBERS)}`.as('members'),
] as const;

const COUPLES_BY_NAME = (practiceId: string): KeysetSpec<{ sort_name: string; id: string }> => ({
  scope: { list: 'couples', practiceId },
  direction: 'asc',
  keys: [
    { by: sql`lower(c.display_name)`, part: 'text', of: (r) => r.sort_name },
    { by: 'c.id', part: 'uuid', of: (r) => r.id },
  ],
});


const MIN_MEMBERS = 2;

function toSummary(row: SummaryRow, homework: HomeworkStats | null): CoupleSummary {
  return {
    id: row.id,
    displayName: row.display_name,
    conjointSafety: row.conjoint_safety,
    members: row.members,
    primaryClinician: row.primary_id ? { id: row.primary_id, name: row.primary_name! } : null,
    createdAt: row.created_at.toISOString(),
    homework,
  };
}

@Injectable()
export class CouplesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(CareTeamService) private readonly careTeams: CareTeamService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(HomeworkStatsService) private readonly homework: HomeworkStatsService,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async list(actor: StaffActor, query: ListCouplesQuery): Promise<Page<CoupleSummary>> {
    const keyset = new Keyset(this.cursors, COUPLES_BY_NAME(actor.practiceId), query);
    const values = { me: actor.userId, who: query.clinicianId };
    let q = this.kdb
      .selectFrom('couple as c')
      .leftJoinLateral(primaryClinician('couple_id'), (join) => join.onTrue())
      .where('c.practice_id', '=', actor.practiceId);
    if (listScope(actor) === 'own') q = q.where(sqlText<boolean>(onCoupleTeam('c', slot('me')), values));
    if (query.clinicianId || query.unassigned) this.access.assertCaseloadsOfOthers(actor);
    if (query.clinicianId) q = q.where(sqlText<boolean>(onCoupleTeam('c', slot('who')), values));
    if (query.unassigned) q = q.where('p.staff_user_id', 'is', null);
    if (query.safety) q = q.where('c.conjoint_safety', '=', query.safety);
    if (query.q?.trim()) {
      const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
      q = q.where(sql<boolean>`lower(c.display_name) LIKE ${pattern}`);
    }
    const { rows, nextCursor } = await keyset.read(
      q.select(SUMMARY),
    );
    const stats = await this.homework.forSubjects(actor, 'couple', rows.map((r) => r.id));
    return { items: rows.map((r) => toSummary(r, stats.get(r.id) ?? null)), nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<CoupleDetail> {
    await this.access.couple(actor, id);
    return this.detail(this.db, actor.practiceId, id);
  }

  async create(actor: StaffActor, dto: CreateCoupleDto): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.assertClientsVisible(actor, dto.memberIds, tx);
      const { id } = await db.insertInto('couple').values({ practice_id: actor.practiceId, display_name: dto.displayName }).returning('id').executeTakeFirstOrThrow();
      for (const clientId of dto.memberIds) {
        await db.insertInto('couple_member').values({ practice_id: actor.practiceId, couple_id: id, client_id: clientId }).execute();
      }
      if (dto.primaryClinicianId) await this.careTeams.replace(tx, actor, { coupleId: id }, dto.primaryClinicianId, []);
      await audit.record({ action: 'couple.created', recordType: 'couple', recordId: id, subjectId: id, detail: { members: dto.memberIds } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async update(actor: StaffActor, id: string, dto: UpdateCoupleDto): Promise<CoupleDetail> {
    await this.access.couple(actor, id, 'membership.edit');
    return this.writes.transaction(actor, async (tx, audit, db) => {
      const updated = await db
        .updateTable('couple')
        .set({ display_name: dto.displayName, version: sql`version + 1`, updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('version', '=', dto.version)
        .returning('id')
        .execute();
      if (updated.length === 0) throw staleCouple();
      await audit.record({ action: 'couple.updated', recordType: 'couple', recordId: id, subjectId: id, detail: { fields: ['display_name'] } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async addMember(actor: StaffActor, id: string, dto: AddMemberDto): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.couple(actor, id, 'membership.edit', tx);
      await this.access.client(actor, dto.clientId, 'details.read', tx);
      await lockCouple(db, actor.practiceId, id);
      const already = await db
        .selectFrom('couple_member')
        .select(sql.lit(1).as('one'))
        .where('practice_id', '=', actor.practiceId)
        .where('couple_id', '=', id)
        .where('client_id', '=', dto.clientId)
        .where('left_at', 'is', null)
        .execute();
      if (already.length > 0) throw new RuleViolationError('already_member', 'That person is already a member of this couple.');
      await db.insertInto('couple_member').values({ practice_id: actor.practiceId, couple_id: id, client_id: dto.clientId }).execute();
      await audit.record({ action: 'couple.member_added', recordType: 'couple', recordId: id, subjectId: id, detail: { clientId: dto.clientId } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  /** Members leave with a date; their history stays. A couple keeps at least two current members. */
  async removeMember(actor: StaffActor, id: string, clientId: string): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit, db) => {
      await this.access.couple(actor, id, 'membership.edit', tx);
      await lockCouple(db, actor.practiceId, id);
      const current = await db
        .selectFrom('couple_member')
        .select('client_id')
        .where('practice_id', '=', actor.practiceId)
        .where('couple_id', '=', id)
        .where('left_at', 'is', null)
        .execute();
      if (!current.some((m) => m.client_id === clientId)) throw new NotFoundError('member');
      if (current.length <= MIN_MEMBERS) {
        throw new RuleViolationError('too_few_members', 'A couple needs at least two current members. Add the new member before removing this one.');
      }
      await db
        .updateTable('couple_member')
        .set({ left_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('couple_id', '=', id)
        .where('client_id', '=', clientId)
        .where('left_at', 'is', null)
        .execute();
      await audit.record({ action: 'couple.member_removed', recordType: 'couple', recordId: id, subjectId: id, detail: { clientId } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async setSafety(actor: StaffActor, id: string, dto: SetSafetyDto): Promise<CoupleDetail> {
    await this.access.couple(actor, id, 'screening.edit');
    return this.writes.transaction(actor, async (tx, audit, db) => {
      const updated = await db
        .updateTable('couple')
        .set({
          conjoint_safety: dto.status,
          safety_note: dto.note ?? null,
          safety_set_by: actor.userId,
          safety_set_at: sql`now()`,
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('version', '=', dto.version)
        .returning('id')
        .execute();
      if (updated.length === 0) throw staleCouple();
      await audit.record({ action: 'couple.safety_set', recordType: 'couple', recordId: id, subjectId: id, detail: { status: dto.status } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async setCareTeam(actor: StaffActor, id: string, dto: SetCareTeamDto): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.access.couple(actor, id, 'membership.edit', tx);
      const change = await this.careTeams.replace(tx, actor, { coupleId: id }, dto.primaryClinicianId, dto.otherClinicianIds);
      await audit.record({ action: 'couple.care_team_changed', recordType: 'couple', recordId: id, subjectId: id, detail: { ...change } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  private async detail(runner: SqlRunner, practiceId: string, id: string): Promise<CoupleDetail> {
    const db = kyselyOn(runner);
    const row = await db
      .selectFrom('couple as c')
      .leftJoinLateral(primaryClinician('couple_id'), (join) => join.onTrue())
      .leftJoin('staff_user as s', (j) => j.onRef('s.practice_id', '=', 'c.practice_id').onRef('s.id', '=', 'c.safety_set_by'))
      .select(SUMMARY)
      .select(['c.safety_note', 'c.safety_set_at', 'c.version', 's.id as set_by_id', 's.name as set_by_name'])
      .where('c.practice_id', '=', practiceId)
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('couple');
    const history = await db
      .selectFrom('couple_member as cm')
      .innerJoin('client as cl', (j) => j.onRef('cl.practice_id', '=', 'cm.practice_id').onRef('cl.id', '=', 'cm.client_id'))
      .select(['cl.id', 'cl.name', 'cl.preferred_name', 'cm.joined_at', 'cm.left_at'])
      .where('cm.practice_id', '=', practiceId)
      .where('cm.couple_id', '=', id)
      .orderBy('cm.joined_at')
      .orderBy('cl.name')
      .execute();
    return {
      ...toSummary(row, (await this.homework.forSubjects(practiceId, 'couple', [id])).get(id) ?? null),
      safety: {
        status: row.conjoint_safety,
        note: row.safety_note,
        setBy: row.set_by_id ? { id: row.set_by_id, name: row.set_by_name! } : null,
        setAt: row.safety_set_at?.toISOString() ?? null,
      },
      memberHistory: history.map((h) => ({
        clientId: h.id,
        name: h.name,
        preferredName: h.preferred_name,
        joinedAt: h.joined_at.toISOString(),
        leftAt: h.left_at?.toISOString() ?? null,
      })),
      careTeam: await this.careTeams.members(runner, practiceId, { coupleId: id }),
      version: row.version,
    };
  }
}

/** Holds the couple's row until the transaction ends, so membership changes happen one at a time. */
async function lockCouple(db: Db, practiceId: string, id: string) {
  await db.selectFrom('couple').select('id').where('practice_id', '=', practiceId).where('id', '=', id).forUpdate().execute();
}

function staleCouple() {
  return new ConflictError('stale_version', 'Someone else changed this couple since you opened it. Reload, then apply your change again.');
}
