import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
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
import { PageCursors } from '../common/cursor.js';
import { requireOneSubject, type Subject } from '../common/subject-ref.dto.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { currentCoupleMembers } from '../homework/couple-members.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { Keyset, type KeysetSpec } from '../db/keyset.js';
import { slot, sqlText } from '../db/sql-text.js';
import { practiceToday } from '../practices/practice-today.js';
import type { AssignMeasureDto, LatestMeasuresQuery, MeasureScoresQuery, MeasureSummaryQuery, PortalMeasuresQuery } from './dto/measure.dto.js';
import { planMeasure } from './schedule.js';

/** A score with the name of the person it is about, as every score read gives it. */
const selectScores = (db: Db) =>
  db
    .selectFrom('measure_score as s')
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 's.practice_id').onRef('c.id', '=', 's.client_id'))
    .select((eb) => ['s.id', eb.ref('s.measure').$castTo<MeasureId>().as('measure'), 's.total', 's.taken_at', 's.client_id', 'c.name as client_name', 's.couple_id', 's.assignment_id', 's.seq']);

type ScoreQuery = ReturnType<typeof selectScores>;
type ScoreRow = Awaited<ReturnType<ScoreQuery['executeTakeFirstOrThrow']>>;

/** A client's own scores (not those of couple measures), or a couple's. */
const ofSubject = (q: ScoreQuery, subject: Subject): ScoreQuery =>
  'clientId' in subject ? q.where('s.client_id', '=', subject.clientId).where('s.couple_id', 'is', null) : q.where('s.couple_id', '=', subject.coupleId);

/** Newest first, by when taken. */
const SCORES_BY_TIME = (list: string, practiceId: string, within: string): KeysetSpec<{ taken_at: Date; id: string }> => ({
  scope: { list, practiceId, within },
  direction: 'desc',
  keys: [
    { by: 's.taken_at', part: 'timestamp', of: (r) => r.taken_at.toISOString() },
    { by: 's.id', part: 'uuid', of: (r) => r.id },
  ],
});

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
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
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
    const id = await this.assignments.writeNew(actor, subject, {
      members: (db) => this.lockMembers(db, actor.practiceId, subject),
      exercise: { ref: `${MEASURE_SLUG_PREFIX}${instrument.id}`, definition: measureExercise(instrument.id) },
      instructions: dto.instructions ?? '',
      recurrence: dto.everyWeeks === undefined ? 'once' : 'weekly',
      sharing: 'private',
      planned,
      remind: dto.remind === true,
      detail: { measure: instrument.id, everyWeeks: dto.everyWeeks ?? null },
      also: (db, assignmentId) =>
        db.insertInto('measure_assignment').values({ practice_id: actor.practiceId, assignment_id: assignmentId, measure: instrument.id, every_weeks: dto.everyWeeks ?? null }).execute().then(() => undefined),
    });
    return this.assignments.get(actor, id);
  }

  /** A client's own measures, or a couple's, newest first, a page at a time. */
  async scores(actor: StaffActor, query: MeasureScoresQuery): Promise<Page<MeasureScoreView>> {
    const subject = await this.readableSubject(actor, query);
    const subjectId = 'coupleId' in subject ? subject.coupleId : subject.clientId;
    const keyset = new Keyset(this.cursors, SCORES_BY_TIME(`measure-scores:${query.measure ?? ''}`, actor.practiceId, subjectId), query);
    let q = ofSubject(selectScores(this.kdb).where('s.practice_id', '=', actor.practiceId), subject);
    if (query.measure) q = q.where('s.measure', '=', query.measure);
    const { rows: page, nextCursor } = await keyset.read(q);
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
      nextCursor,
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
    const ofThisSubject = () => ofSubject(selectScores(this.kdb).where('s.practice_id', '=', actor.practiceId), subject);
    const [recent, firsts] = await Promise.all([
      ofThisSubject().orderBy('s.taken_at', 'desc').orderBy('s.id', 'desc').limit(CHART_SCORES + 1).execute(),
      ofThisSubject().distinctOn(['s.client_id', 's.measure']).orderBy('s.client_id').orderBy('s.measure').orderBy('s.taken_at').orderBy('s.id').execute(),
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
    const byPersonAndMeasure = 'PARTITION BY s.client_id, s.measure ORDER BY s.taken_at';
    const rows = await this.kdb
      .with('visible', (db) =>
        db
          .selectFrom('measure_score as s')
          .leftJoin('client as c', (j) => j.onRef('c.practice_id', '=', 's.practice_id').onRef('c.id', '=', 's.client_id').on('s.couple_id', 'is', null))
          .leftJoin('couple as cp', (j) => j.onRef('cp.practice_id', '=', 's.practice_id').onRef('cp.id', '=', 's.couple_id'))
          .select((eb) => [
            's.client_id',
            eb.ref('s.measure').$castTo<MeasureId>().as('measure'),
            's.total',
            's.taken_at',
            sql<number>`row_number() OVER (${sql.raw(byPersonAndMeasure)} DESC, s.id DESC)`.as('rn'),
            sql<number | null>`lag(s.total) OVER (${sql.raw(byPersonAndMeasure)}, s.id)`.as('previous'),
            sql<number>`first_value(s.total) OVER (${sql.raw(byPersonAndMeasure)}, s.id)`.as('first'),
          ])
          .where('s.practice_id', '=', actor.practiceId)
          .where(sql<boolean>`s.client_id = ANY(${clientIds}::uuid[])`)
          .where(
            sqlText<boolean>(`((c.id IS NOT NULL AND ${onClientTeam('c', slot('me'))}) OR (cp.id IS NOT NULL AND ${onCoupleTeam('cp', slot('me'))}))`, { me: actor.userId }),
          ),
      )
      .selectFrom('visible')
      .select(['client_id', 'measure', 'total', 'taken_at', 'previous', 'first'])
      .where('rn', '=', 1)
      .orderBy('client_id')
      .orderBy('measure')
      .execute();
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
    const rows = await this.kdb
      .selectFrom('care_team_member as ct')
      .leftJoin('couple_member as cm', (j) => j.onRef('cm.practice_id', '=', 'ct.practice_id').onRef('cm.couple_id', '=', 'ct.couple_id').on('cm.left_at', 'is', null))
      .innerJoin('client as c', (j) =>
        j
          .onRef('c.practice_id', '=', 'ct.practice_id')
          .on(sql<boolean>`c.id = COALESCE(ct.client_id, cm.client_id)`)
          .on('c.status', '=', sql.lit('active')),
      )
      .select(['ct.staff_user_id as clinician_id', sql<number>`count(DISTINCT c.id)::int`.as('measured')])
      .where('ct.practice_id', '=', actor.practiceId)
      .where('ct.removed_at', 'is', null)
      .where(sql<boolean>`EXISTS (SELECT 1 FROM measure_score s WHERE s.practice_id = c.practice_id AND s.client_id = c.id AND s.taken_at >= now() - interval '30 days')`)
      .groupBy('ct.staff_user_id')
      .execute();
    return { clinicians: rows.map((r) => ({ clinicianId: r.clinician_id, clientsMeasured: r.measured })) };
  }

  /** The client's own scores, newest first: never a partner's. */
  async portalScores(actor: PortalActor, query: PortalMeasuresQuery): Promise<Page<PortalMeasureScore>> {
    const keyset = new Keyset(this.cursors, SCORES_BY_TIME('portal-measures', actor.practiceId, actor.clientId), query, 20);
    const { rows: page, nextCursor } = await keyset.read(selectScores(this.kdb).where('s.practice_id', '=', actor.practiceId).where('s.client_id', '=', actor.clientId));
    if (page.length > 0) await this.writes.event(actor, { action: 'measure.read', subjectId: actor.clientId, detail: { view: 'portal', scores: page.length } });
    return {
      items: page.map((r) => ({ id: r.id, measure: r.measure, takenAt: r.taken_at.toISOString(), total: r.total, band: bandView(r.measure, r.total) })),
      nextCursor,
    };
  }

  /** The subject named, if the actor may read its scores: a clinician on its care team. Admins as such: 403; others: 404. */
  private async readableSubject(actor: StaffActor, query: { clientId?: string; coupleId?: string }): Promise<Subject> {
    const subject = requireOneSubject(query);
    const access = await this.access.subject(actor, subject);
    if (!access.may.measures.read) throw new ForbiddenError(NOT_FOR_ADMINS);
    return subject;
  }

  private async auditRead(actor: StaffActor, subject: Subject, scores: number, view: string) {
    if (scores === 0) return;
    const isCouple = 'coupleId' in subject;
    const subjectId = isCouple ? subject.coupleId : subject.clientId;
    await this.writes.event(actor, { action: 'measure.read', recordType: isCouple ? 'couple' : 'client', recordId: subjectId, subjectId, detail: { view, scores } });
  }

  /** Who answers: the client (active), or the couple's current members (at least two, all active). */
  private async lockMembers(db: Db, practiceId: string, subject: Subject): Promise<string[]> {
    if ('clientId' in subject) {
      const client = await db.selectFrom('client').select(['status', 'name']).where('practice_id', '=', practiceId).where('id', '=', subject.clientId).forShare().executeTakeFirstOrThrow();
      if (client.status !== 'active') throw new RuleViolationError('client_discharged', `${client.name} is discharged. Reactivate the client before assigning a measure.`);
      return [subject.clientId];
    }
    await db.selectFrom('couple').select('id').where('practice_id', '=', practiceId).where('id', '=', subject.coupleId).forShare().execute();
    return currentCoupleMembers(db, practiceId, subject.coupleId, 'answer together');
  }
}
