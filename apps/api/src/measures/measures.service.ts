import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  bandOf,
  changeBetween,
  directionOf,
  INSTRUMENTS,
  measureExercise,
  MEASURE_SLUG_PREFIX,
  type AssignmentDetail,
  type LatestMeasure,
  type LatestMeasures,
  type MeasureBandView,
  type MeasureCoverage,
  type MeasureGapSeries,
  type MeasureId,
  type MeasureScoreView,
  type MeasureSeries,
  type MeasureSummary,
  type Page,
  type PortalMeasureScore,
} from '@tandem/shared';
import { AccessService, onClientTeam, onCoupleTeam } from '../access/access.service.js';
import { isClinician, type PortalActor, type StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { ForbiddenError, RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import type { SqlRunner } from '../common/sql.js';
import { requireOneSubject, type Subject } from '../common/subject-ref.dto.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { practiceToday } from '../practices/practice-today.js';
import { RemindersService } from '../reminders/reminders.service.js';
import type { AssignMeasureDto, LatestMeasuresQuery, MeasureScoresQuery, MeasureSummaryQuery, PortalMeasuresQuery } from './dto/measure.dto.js';
import { planMeasure } from './schedule.js';

interface ScoreRow {
  id: string;
  measure: MeasureId;
  total: number;
  taken_at: Date;
  client_id: string;
  client_name: string;
  couple_id: string | null;
  assignment_id: string;
  seq: number;
}

/** How many of a subject's most recent scores a chart shows; the first of each series always comes along. */
const CHART_SCORES = 400;

const bandView = (measure: MeasureId, total: number): MeasureBandView => {
  const { label, min, max, concern } = bandOf(INSTRUMENTS[measure], total);
  return { label, min, max, concern };
};

const NOT_FOR_ADMINS = 'Outcome-measure scores are for the clinicians on the care team. Admins see how many clients were measured, never the scores.';

/**
 * Outcome measures: given like homework (an assignment whose exercise is the
 * instrument, once or every N weeks), answered in the portal, scored on the
 * server (MeasureScoring, in the submit transaction), and read here by the
 * care team. Admins get counts only. Every read that returns scores is
 * audited, as reads of answers are.
 */
@Injectable()
export class MeasuresService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(AssignmentsService) private readonly assignments: AssignmentsService,
    @Inject(RemindersService) private readonly reminders: RemindersService,
    @Inject(PageCursors) private readonly cursors: PageCursors,
  ) {}

  async assign(actor: StaffActor, dto: AssignMeasureDto): Promise<AssignmentDetail> {
    const subject = requireOneSubject(dto);
    const access = await this.access.subject(actor, subject);
    if (!access.may.measures.edit) throw new ForbiddenError('Only a clinician on the care team assigns a measure.');
    const isCouple = 'coupleId' in subject;
    const instrument = INSTRUMENTS[dto.measure];
    if (!isCouple && instrument.audience === 'couple') {
      throw new RuleViolationError('couple_measure', `${instrument.name} is answered by each partner about the relationship: assign it to the couple.`);
    }
    const planned = planMeasure({ today: await practiceToday(this.db, actor.practiceId), dueOn: dto.dueOn, everyWeeks: dto.everyWeeks, endsOn: dto.endsOn, count: dto.count });
    if (!Array.isArray(planned)) throw new ValidationFailedError(planned.fields);
    const exercise = measureExercise(instrument.id);
    const id = crypto.randomUUID();
    await this.writes.transaction(actor, async (tx, audit) => {
      const members = await this.lockMembers(tx, actor.practiceId, subject);
      await tx.query(
        `INSERT INTO assignment (practice_id, id, client_id, couple_id, exercise_ref, exercise_version, exercise, instructions, recurrence, occurrence_count, sharing, assigned_by, remind)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          actor.practiceId,
          id,
          isCouple ? null : subject.clientId,
          isCouple ? subject.coupleId : null,
          `${MEASURE_SLUG_PREFIX}${instrument.id}`,
          exercise.version,
          JSON.stringify(exercise),
          (dto.instructions ?? '').trim(),
          dto.everyWeeks === undefined ? 'once' : 'weekly',
          planned.length,
          isCouple ? 'private' : null,
          actor.userId,
          dto.remind === true,
        ],
      );
      await tx.query(`INSERT INTO measure_assignment (practice_id, assignment_id, measure, every_weeks) VALUES ($1, $2, $3, $4)`, [
        actor.practiceId,
        id,
        instrument.id,
        dto.everyWeeks ?? null,
      ]);
      await tx.query(`INSERT INTO assignment_member (practice_id, assignment_id, client_id) SELECT $1, $2, unnest($3::uuid[])`, [actor.practiceId, id, members]);
      await tx.query(
        `INSERT INTO assignment_occurrence (practice_id, assignment_id, seq, client_id, couple_id, opens_on, due_on, pending)
         SELECT $1, $2, seq, $3, $4, opens_on, due_on, $5 FROM unnest($6::int[], $7::date[], $8::date[]) AS t(seq, opens_on, due_on)`,
        [
          actor.practiceId,
          id,
          isCouple ? null : subject.clientId,
          isCouple ? subject.coupleId : null,
          members.length,
          planned.map((p) => p.seq),
          planned.map((p) => p.opensOn),
          planned.map((p) => p.dueOn),
        ],
      );
      await audit.record({
        action: 'assignment.created',
        recordType: 'assignment',
        recordId: id,
        subjectId: isCouple ? subject.coupleId : subject.clientId,
        detail: { measure: instrument.id, everyWeeks: dto.everyWeeks ?? null, occurrences: planned.length, remind: dto.remind === true },
      });
      if (dto.remind) {
        await this.reminders.assigned(tx, audit, { practiceId: actor.practiceId, assignmentId: id, assignedBy: actor.userId, coupleId: isCouple ? subject.coupleId : null });
      }
    });
    return this.assignments.get(actor, id);
  }

  /** A client's own measures, or a couple's, newest first, a page at a time. */
  async scores(actor: StaffActor, query: MeasureScoresQuery): Promise<Page<MeasureScoreView>> {
    const subject = await this.readableSubject(actor, query);
    const subjectId = 'coupleId' in subject ? subject.coupleId : subject.clientId;
    const limit = pageLimit(query.limit);
    const scope = { list: `measure-scores:${query.measure ?? ''}`, practiceId: actor.practiceId, within: subjectId };
    const after = this.cursors.decode(query.cursor, scope, ['timestamp', 'uuid']);
    const params: unknown[] = [actor.practiceId, subjectId];
    const add = (v: unknown) => `$${params.push(v)}`;
    const where = ['s.practice_id = $1', 'clientId' in subject ? 's.client_id = $2 AND s.couple_id IS NULL' : 's.couple_id = $2'];
    if (query.measure) where.push(`s.measure = ${add(query.measure)}`);
    if (after) where.push(`(s.taken_at, s.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`);
    const rows = await this.scoreRows(this.db, `${where.join(' AND ')} ORDER BY s.taken_at DESC, s.id DESC LIMIT ${add(limit + 1)}`, params);
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1] : undefined;
    await this.auditRead(actor, subject, page.length, 'scores');
    return {
      items: page.map((r) => ({
        id: r.id,
        measure: r.measure,
        person: { id: r.client_id, name: r.client_name },
        coupleId: r.couple_id,
        assignmentId: r.assignment_id,
        seq: r.seq,
        takenAt: r.taken_at.toISOString(),
        total: r.total,
        band: bandView(r.measure, r.total),
      })),
      nextCursor: last ? this.cursors.encode(scope, [last.taken_at.toISOString(), last.id]) : null,
    };
  }

  /**
   * What the client and couple pages chart: per person and measure, the
   * scores over time with change since the first; for couples, the gap
   * between partners on each occasion both answered.
   */
  async summary(actor: StaffActor, query: MeasureSummaryQuery): Promise<MeasureSummary> {
    const subject = await this.readableSubject(actor, query);
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    const which = isCouple ? 's.couple_id = $2' : 's.client_id = $2 AND s.couple_id IS NULL';
    const [recent, firsts] = await Promise.all([
      this.scoreRows(this.db, `s.practice_id = $1 AND ${which} ORDER BY s.taken_at DESC, s.id DESC LIMIT ${CHART_SCORES + 1}`, [actor.practiceId, subjectId]),
      this.db.query(
        `SELECT DISTINCT ON (s.client_id, s.measure) s.id, s.measure, s.total, s.taken_at, s.client_id, c.name AS client_name, s.couple_id, s.assignment_id, s.seq
           FROM measure_score s JOIN client c ON c.practice_id = s.practice_id AND c.id = s.client_id
          WHERE s.practice_id = $1 AND ${which}
          ORDER BY s.client_id, s.measure, s.taken_at, s.id`,
        [actor.practiceId, subjectId],
      ) as Promise<ScoreRow[]>,
    ]);
    const truncated = recent.length > CHART_SCORES;
    const rows = [...recent.slice(0, CHART_SCORES), ...firsts.filter((f) => !recent.slice(0, CHART_SCORES).some((r) => r.id === f.id))];
    rows.sort((a, b) => a.taken_at.getTime() - b.taken_at.getTime() || a.id.localeCompare(b.id));

    const byKey = new Map<string, ScoreRow[]>();
    for (const r of rows) {
      const key = `${r.measure}/${r.client_id}`;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push(r);
    }
    const series: MeasureSeries[] = [...byKey.values()].map((points) => {
      const first = points[0]!;
      const latest = points[points.length - 1]!;
      const instrument = INSTRUMENTS[first.measure];
      return {
        measure: first.measure,
        person: { id: first.client_id, name: first.client_name },
        points: points.map((p) => ({ scoreId: p.id, takenAt: p.taken_at.toISOString(), total: p.total })),
        latest: { scoreId: latest.id, takenAt: latest.taken_at.toISOString(), total: latest.total, band: bandView(latest.measure, latest.total) },
        change: points.length > 1 ? changeBetween(instrument, first.total, latest.total) : null,
      };
    });
    series.sort((a, b) => a.measure.localeCompare(b.measure) || a.person.name.localeCompare(b.person.name));

    const gaps: MeasureGapSeries[] = [];
    if (isCouple) {
      const occasions = new Map<string, ScoreRow[]>();
      for (const r of rows) {
        const key = `${r.measure}/${r.assignment_id}/${r.seq}`;
        if (!occasions.has(key)) occasions.set(key, []);
        occasions.get(key)!.push(r);
      }
      const byMeasure = new Map<MeasureId, MeasureGapSeries>();
      for (const answered of occasions.values()) {
        if (new Set(answered.map((r) => r.client_id)).size < 2) continue;
        const totals = answered.map((r) => r.total);
        const last = answered.reduce((a, b) => (a.taken_at > b.taken_at ? a : b));
        const measure = answered[0]!.measure;
        if (!byMeasure.has(measure)) byMeasure.set(measure, { measure, points: [] });
        byMeasure.get(measure)!.points.push({ assignmentId: last.assignment_id, seq: last.seq, on: last.taken_at.toISOString(), gap: Math.max(...totals) - Math.min(...totals) });
      }
      for (const g of byMeasure.values()) {
        g.points.sort((a, b) => a.on.localeCompare(b.on));
        gaps.push(g);
      }
    }
    await this.auditRead(actor, subject, rows.length, 'chart');
    return { series, gaps, truncated };
  }

  /**
   * For the clinician's caseload page: each listed client's latest score per
   * measure, which way it moved from the one before, and the verdict since
   * the first. Only scores the clinician may read count: a client's own
   * measures on their care team, a couple's on the couple's.
   */
  async latest(actor: StaffActor, query: LatestMeasuresQuery): Promise<LatestMeasures> {
    if (!isClinician(actor)) throw new ForbiddenError(NOT_FOR_ADMINS);
    const clientIds = [...new Set(query.clientIds.toLowerCase().split(','))];
    const rows = (await this.db.query(
      `WITH visible AS (
         SELECT s.client_id, s.measure, s.total, s.taken_at,
                row_number() OVER (PARTITION BY s.client_id, s.measure ORDER BY s.taken_at DESC, s.id DESC) AS rn,
                lag(s.total) OVER (PARTITION BY s.client_id, s.measure ORDER BY s.taken_at, s.id) AS previous,
                first_value(s.total) OVER (PARTITION BY s.client_id, s.measure ORDER BY s.taken_at, s.id) AS first
           FROM measure_score s
           LEFT JOIN client c ON c.practice_id = s.practice_id AND c.id = s.client_id AND s.couple_id IS NULL
           LEFT JOIN couple cp ON cp.practice_id = s.practice_id AND cp.id = s.couple_id
          WHERE s.practice_id = $1 AND s.client_id = ANY($2::uuid[])
            AND ((c.id IS NOT NULL AND ${onClientTeam('c', '$3')}) OR (cp.id IS NOT NULL AND ${onCoupleTeam('cp', '$3')})))
       SELECT client_id, measure, total, taken_at, previous, first FROM visible WHERE rn = 1 ORDER BY client_id, measure`,
      [actor.practiceId, clientIds, actor.userId],
    )) as Array<{ client_id: string; measure: MeasureId; total: number; taken_at: Date; previous: number | null; first: number }>;
    const items: LatestMeasure[] = rows.map((r) => {
      const instrument = INSTRUMENTS[r.measure];
      return {
        clientId: r.client_id,
        measure: r.measure,
        total: r.total,
        band: bandView(r.measure, r.total),
        takenAt: r.taken_at.toISOString(),
        direction: r.previous === null ? null : directionOf(instrument, r.previous, r.total),
        verdict: r.previous === null ? null : changeBetween(instrument, r.first, r.total).verdict,
      };
    });
    if (items.length > 0) {
      await this.writes.event(actor, { action: 'measure.read', detail: { view: 'caseload', clients: new Set(items.map((i) => i.clientId)).size } });
    }
    return { items };
  }

  /** For the admin board: per clinician, how many active clients (their own, or in their couples) have a measure in the last 30 days. */
  async coverage(actor: StaffActor): Promise<MeasureCoverage> {
    const rows = (await this.db.query(
      `SELECT ct.staff_user_id AS clinician_id, count(DISTINCT c.id)::int AS measured
         FROM care_team_member ct
         LEFT JOIN couple_member cm ON cm.practice_id = ct.practice_id AND cm.couple_id = ct.couple_id AND cm.left_at IS NULL
         JOIN client c ON c.practice_id = ct.practice_id AND c.id = COALESCE(ct.client_id, cm.client_id) AND c.status = 'active'
        WHERE ct.practice_id = $1 AND ct.removed_at IS NULL
          AND EXISTS (SELECT 1 FROM measure_score s WHERE s.practice_id = c.practice_id AND s.client_id = c.id AND s.taken_at >= now() - interval '30 days')
        GROUP BY ct.staff_user_id`,
      [actor.practiceId],
    )) as Array<{ clinician_id: string; measured: number }>;
    return { clinicians: rows.map((r) => ({ clinicianId: r.clinician_id, clientsMeasured: r.measured })) };
  }

  /** The client's own scores, newest first: never a partner's. */
  async portalScores(actor: PortalActor, query: PortalMeasuresQuery): Promise<Page<PortalMeasureScore>> {
    const limit = pageLimit(query.limit, 20);
    const scope = { list: 'portal-measures', practiceId: actor.practiceId, within: actor.clientId };
    const after = this.cursors.decode(query.cursor, scope, ['timestamp', 'uuid']);
    const params: unknown[] = [actor.practiceId, actor.clientId];
    const add = (v: unknown) => `$${params.push(v)}`;
    const where = ['s.practice_id = $1 AND s.client_id = $2'];
    if (after) where.push(`(s.taken_at, s.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`);
    const rows = await this.scoreRows(this.db, `${where.join(' AND ')} ORDER BY s.taken_at DESC, s.id DESC LIMIT ${add(limit + 1)}`, params);
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1] : undefined;
    if (page.length > 0) await this.writes.event(actor, { action: 'measure.read', subjectId: actor.clientId, detail: { view: 'portal', scores: page.length } });
    return {
      items: page.map((r) => ({ id: r.id, measure: r.measure, takenAt: r.taken_at.toISOString(), total: r.total, band: bandView(r.measure, r.total) })),
      nextCursor: last ? this.cursors.encode(scope, [last.taken_at.toISOString(), last.id]) : null,
    };
  }

  /** The subject named, if the actor may read its scores: a clinician on its care team. Admins as such: 403; others: 404. */
  private async readableSubject(actor: StaffActor, query: { clientId?: string; coupleId?: string }): Promise<Subject> {
    const subject = requireOneSubject(query);
    const access = await this.access.subject(actor, subject);
    if (!access.may.measures.read) throw new ForbiddenError(NOT_FOR_ADMINS);
    return subject;
  }

  private scoreRows(runner: SqlRunner, whereAndOrder: string, params: unknown[]): Promise<ScoreRow[]> {
    return runner.query(
      `SELECT s.id, s.measure, s.total, s.taken_at, s.client_id, c.name AS client_name, s.couple_id, s.assignment_id, s.seq
         FROM measure_score s JOIN client c ON c.practice_id = s.practice_id AND c.id = s.client_id
        WHERE ${whereAndOrder}`,
      params,
    ) as Promise<ScoreRow[]>;
  }

  private async auditRead(actor: StaffActor, subject: Subject, scores: number, view: string) {
    if (scores === 0) return;
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    await this.writes.event(actor, { action: 'measure.read', recordType: isCouple ? 'couple' : 'client', recordId: subjectId, subjectId, detail: { view, scores } });
  }

  /** Who answers: the client (active), or the couple's current members (at least two, all active). */
  private async lockMembers(tx: SqlRunner, practiceId: string, subject: Subject): Promise<string[]> {
    if ('clientId' in subject) {
      const [client] = (await tx.query(`SELECT status, name FROM client WHERE practice_id = $1 AND id = $2 FOR SHARE`, [practiceId, subject.clientId])) as Array<{
        status: string;
        name: string;
      }>;
      if (client!.status !== 'active') throw new RuleViolationError('client_discharged', `${client!.name} is discharged. Reactivate the client before assigning a measure.`);
      return [subject.clientId];
    }
    await tx.query(`SELECT 1 FROM couple WHERE practice_id = $1 AND id = $2 FOR SHARE`, [practiceId, subject.coupleId]);
    const members = (await tx.query(
      `SELECT c.id, c.status FROM couple_member cm JOIN client c ON c.practice_id = cm.practice_id AND c.id = cm.client_id
        WHERE cm.practice_id = $1 AND cm.couple_id = $2 AND cm.left_at IS NULL`,
      [practiceId, subject.coupleId],
    )) as Array<{ id: string; status: string }>;
    if (members.length < 2) throw new RuleViolationError('couple_incomplete', 'This couple has fewer than two current members, so there is nobody to answer together.');
    if (members.some((m) => m.status !== 'active')) {
      throw new RuleViolationError('member_discharged', 'A member of this couple is discharged. Reactivate them, or update the couple’s members, first.');
    }
    return members.map((m) => m.id);
  }
}
