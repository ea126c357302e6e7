import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConjointSafety, CoupleDetail, CoupleSummary, HomeworkStats, Page } from '@tandem/shared';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { AccessService, onCoupleTeam } from '../access/access.service.js';
import { HomeworkStatsService } from '../assignments/homework-stats.service.js';
import type { StaffActor } from '../access/actor.js';
import { listScope } from '../access/rules.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import { modify, type SqlRunner } from '../common/sql.js';
import { CareTeamService, primaryClinicianJoin } from '../care-teams/care-team.service.js';
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

const SUMMARY_COLUMNS = `
  c.id, c.display_name, lower(c.display_name) AS sort_name, c.conjoint_safety, c.created_at,
  p.staff_user_id AS primary_id, p.name AS primary_name,
  COALESCE((SELECT json_agg(json_build_object('id', cl.id, 'name', cl.name, 'preferredName', cl.preferred_name) ORDER BY cm.joined_at, cl.name)
              FROM couple_member cm JOIN client cl ON cl.practice_id = cm.practice_id AND cl.id = cm.client_id
             WHERE cm.practice_id = c.practice_id AND cm.couple_id = c.id AND cm.left_at IS NULL), '[]') AS members`;

const PRIMARY_JOIN = primaryClinicianJoin('couple_id');

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
  ) {}

  async list(actor: StaffActor, query: ListCouplesQuery): Promise<Page<CoupleSummary>> {
    const limit = pageLimit(query.limit);
    const cursorScope = { list: 'couples', practiceId: actor.practiceId };
    const after = this.cursors.decode(query.cursor, cursorScope, ['text', 'uuid']);
    const params: unknown[] = [actor.practiceId];
    const add = (value: unknown) => `$${params.push(value)}`;
    const where = ['c.practice_id = $1'];
    if (listScope(actor) === 'own') where.push(onCoupleTeam('c', add(actor.userId)));
    if (query.clinicianId || query.unassigned) this.access.assertCaseloadsOfOthers(actor);
    if (query.clinicianId) where.push(onCoupleTeam('c', add(query.clinicianId)));
    if (query.unassigned) where.push('p.staff_user_id IS NULL');
    if (query.safety) where.push(`c.conjoint_safety = ${add(query.safety)}`);
    if (query.q?.trim()) {
      const pattern = `%${query.q.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
      where.push(`lower(c.display_name) LIKE ${add(pattern)}`);
    }
    if (after) where.push(`(lower(c.display_name), c.id) > (${add(after[0])}, ${add(after[1])}::uuid)`);
    const rows = (await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM couple c ${PRIMARY_JOIN}
        WHERE ${where.join(' AND ')} ORDER BY lower(c.display_name), c.id LIMIT ${add(limit + 1)}`,
      params,
    )) as SummaryRow[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const page = rows.slice(0, limit);
    const stats = await this.homework.forSubjects(actor, 'couple', page.map((r) => r.id));
    return { items: page.map((r) => toSummary(r, stats.get(r.id) ?? null)), nextCursor: last ? this.cursors.encode(cursorScope, [last.sort_name, last.id]) : null };
  }

  async get(actor: StaffActor, id: string): Promise<CoupleDetail> {
    await this.access.couple(actor, id);
    return this.detail(this.db, actor.practiceId, id);
  }

  async create(actor: StaffActor, dto: CreateCoupleDto): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.access.assertClientsVisible(actor, dto.memberIds, tx);
      const [{ id }] = (await tx.query(`INSERT INTO couple (practice_id, display_name) VALUES ($1, $2) RETURNING id`, [
        actor.practiceId,
        dto.displayName,
      ])) as Array<{ id: string }>;
      for (const clientId of dto.memberIds) {
        await tx.query(`INSERT INTO couple_member (practice_id, couple_id, client_id) VALUES ($1, $2, $3)`, [actor.practiceId, id, clientId]);
      }
      if (dto.primaryClinicianId) await this.careTeams.replace(tx, actor, { coupleId: id }, dto.primaryClinicianId, []);
      await audit.record({ action: 'couple.created', recordType: 'couple', recordId: id, subjectId: id, detail: { members: dto.memberIds } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async update(actor: StaffActor, id: string, dto: UpdateCoupleDto): Promise<CoupleDetail> {
    await this.access.couple(actor, id, 'membership.edit');
    return this.writes.transaction(actor, async (tx, audit) => {
      const updated = await modify(
        tx,
        `UPDATE couple SET display_name = $4, version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`,
        [actor.practiceId, id, dto.version, dto.displayName],
      );
      if (updated.length === 0) throw staleCouple();
      await audit.record({ action: 'couple.updated', recordType: 'couple', recordId: id, subjectId: id, detail: { fields: ['display_name'] } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async addMember(actor: StaffActor, id: string, dto: AddMemberDto): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.access.couple(actor, id, 'membership.edit', tx);
      await this.access.client(actor, dto.clientId, 'details.read', tx);
      await this.lockCouple(tx, actor.practiceId, id);
      const already = (await tx.query(
        `SELECT 1 FROM couple_member WHERE practice_id = $1 AND couple_id = $2 AND client_id = $3 AND left_at IS NULL`,
        [actor.practiceId, id, dto.clientId],
      )) as unknown[];
      if (already.length > 0) throw new RuleViolationError('already_member', 'That person is already a member of this couple.');
      await tx.query(`INSERT INTO couple_member (practice_id, couple_id, client_id) VALUES ($1, $2, $3)`, [actor.practiceId, id, dto.clientId]);
      await audit.record({ action: 'couple.member_added', recordType: 'couple', recordId: id, subjectId: id, detail: { clientId: dto.clientId } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  /** Members leave with a date; their history stays. A couple keeps at least two current members. */
  async removeMember(actor: StaffActor, id: string, clientId: string): Promise<CoupleDetail> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.access.couple(actor, id, 'membership.edit', tx);
      await this.lockCouple(tx, actor.practiceId, id);
      const current = (await tx.query(
        `SELECT client_id FROM couple_member WHERE practice_id = $1 AND couple_id = $2 AND left_at IS NULL`,
        [actor.practiceId, id],
      )) as Array<{ client_id: string }>;
      if (!current.some((m) => m.client_id === clientId)) throw new NotFoundError('member');
      if (current.length <= MIN_MEMBERS) {
        throw new RuleViolationError('too_few_members', 'A couple needs at least two current members. Add the new member before removing this one.');
      }
      await tx.query(
        `UPDATE couple_member SET left_at = now() WHERE practice_id = $1 AND couple_id = $2 AND client_id = $3 AND left_at IS NULL`,
        [actor.practiceId, id, clientId],
      );
      await audit.record({ action: 'couple.member_removed', recordType: 'couple', recordId: id, subjectId: id, detail: { clientId } });
      return this.detail(tx, actor.practiceId, id);
    });
  }

  async setSafety(actor: StaffActor, id: string, dto: SetSafetyDto): Promise<CoupleDetail> {
    await this.access.couple(actor, id, 'screening.edit');
    return this.writes.transaction(actor, async (tx, audit) => {
      const updated = await modify(
        tx,
        `UPDATE couple SET conjoint_safety = $4, safety_note = $5, safety_set_by = $6, safety_set_at = now(),
                version = version + 1, updated_at = now()
          WHERE practice_id = $1 AND id = $2 AND version = $3 RETURNING id`,
        [actor.practiceId, id, dto.version, dto.status, dto.note ?? null, actor.userId],
      );
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

  private async lockCouple(tx: SqlRunner, practiceId: string, id: string) {
    await tx.query(`SELECT id FROM couple WHERE practice_id = $1 AND id = $2 FOR UPDATE`, [practiceId, id]);
  }

  private async detail(runner: SqlRunner, practiceId: string, id: string): Promise<CoupleDetail> {
    const [row] = (await runner.query(
      `SELECT ${SUMMARY_COLUMNS}, c.safety_note, c.safety_set_at, c.version, s.id AS set_by_id, s.name AS set_by_name
         FROM couple c ${PRIMARY_JOIN}
         LEFT JOIN staff_user s ON s.practice_id = c.practice_id AND s.id = c.safety_set_by
        WHERE c.practice_id = $1 AND c.id = $2`,
      [practiceId, id],
    )) as Array<SummaryRow & { safety_note: string | null; safety_set_at: Date | null; version: number; set_by_id: string | null; set_by_name: string | null }>;
    if (!row) throw new NotFoundError('couple');
    const history = (await runner.query(
      `SELECT cl.id, cl.name, cl.preferred_name, cm.joined_at, cm.left_at
         FROM couple_member cm JOIN client cl ON cl.practice_id = cm.practice_id AND cl.id = cm.client_id
        WHERE cm.practice_id = $1 AND cm.couple_id = $2 ORDER BY cm.joined_at, cl.name`,
      [practiceId, id],
    )) as Array<{ id: string; name: string; preferred_name: string | null; joined_at: Date; left_at: Date | null }>;
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

function staleCouple() {
  return new ConflictError('stale_version', 'Someone else changed this couple since you opened it. Reload, then apply your change again.');
}
