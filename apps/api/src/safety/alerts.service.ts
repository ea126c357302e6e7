import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { measureOfExercise, measureRisk, riskSignals, withBuiltInSafety, type AlertCounts, type AlertPriority, type AlertView, type Answers, type Exercise, type Page } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { alertCountScope } from '../access/rules.js';
import { openAnswers } from '../homework/answers-cipher.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset } from '../db/keyset.js';
import { slot, sqlText } from '../db/sql-text.js';
import { requireOneSubject } from '../common/subject-ref.dto.js';
import { aadFor, type FieldCipher } from '../encryption/field-cipher.js';
import { Outbox } from '../delivery/outbox.service.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { AcknowledgeAlertDto, ListAlertsQuery } from './dto/safety.dto.js';

/** A submitted response, as the portal hands it over inside its submit transaction. */
export interface SubmittedResponse {
  practiceId: string;
  responseId: string;
  clientId: string;
  coupleId: string | null;
  assignmentId: string;
  seq: number;
  exercise: Exercise;
  answers: Answers;
}

/** Why a set of answers needs a clinician: flagged steps, and for a standard measure its own rules (PHQ-9 item 9, a severe band). */
function reasonsFor(exercise: Exercise, answers: Answers): string[] {
  const measure = measureOfExercise(exercise);
  const fromMeasure = measure ? (measureRisk(measure.id, answers)?.reasons ?? []) : [];
  return [...riskSignals(withBuiltInSafety(exercise).steps, answers).map((s) => s.reason), ...fromMeasure];
}

/** Who should look at an answer: the care team of the client (their own homework) or of the couple (couple homework). */
const ON_ALERT_TEAM = (me: string) => `EXISTS (
  SELECT 1 FROM care_team_member ct
   WHERE ct.practice_id = al.practice_id AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL
     AND ((al.couple_id IS NULL AND ct.client_id = al.client_id) OR (al.couple_id IS NOT NULL AND ct.couple_id = al.couple_id)))`;

/** An alert (`al`) with its client's and couple's names, the homework, the answers it came from and who acknowledged it. */
const selectAlerts = (db: Db) =>
  db
    .selectFrom('alert as al')
    .innerJoin('client as c', (j) => j.onRef('c.practice_id', '=', 'al.practice_id').onRef('c.id', '=', 'al.client_id'))
    .leftJoin('couple as cp', (j) => j.onRef('cp.practice_id', '=', 'al.practice_id').onRef('cp.id', '=', 'al.couple_id'))
    .innerJoin('assignment as a', (j) => j.onRef('a.practice_id', '=', 'al.practice_id').onRef('a.id', '=', 'al.assignment_id'))
    .innerJoin('response as r', (j) => j.onRef('r.practice_id', '=', 'al.practice_id').onRef('r.id', '=', 'al.response_id'))
    .leftJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'al.practice_id').onRef('u.id', '=', 'al.acknowledged_by'))
    .select((eb) => [
      'al.id',
      'al.practice_id',
      eb.ref('al.priority').$castTo<AlertPriority>().as('priority'),
      'al.raised_at',
      'al.client_id',
      'c.name as client_name',
      'al.couple_id',
      'cp.display_name as couple_name',
      'al.assignment_id',
      'al.seq',
      eb.ref('a.exercise').$castTo<Exercise>().as('exercise'),
      'al.response_id',
      'r.key_id as response_key_id',
      'r.answers_enc',
      'al.acknowledged_at',
      'al.acknowledged_by',
      'u.name as acknowledged_by_name',
      'al.key_id',
      'al.note_enc',
    ]);

type AlertRow = Awaited<ReturnType<ReturnType<typeof selectAlerts>['executeTakeFirstOrThrow']>>;

/** `ON_ALERT_TEAM` for a typed query, for the clinician `me`. */
const onAlertTeam = (me: string) => sqlText<boolean>(ON_ALERT_TEAM(slot('me')), { me });

/**
 * Alerts from flagged answers. A submission whose answers carry a risk signal
 * raises one alert (a retry of the same submission never raises a second),
 * for the care team that reads those answers. A clinician on that team
 * acknowledges it with a note; both stay on the record and are audited.
 * Admins see only how many are open.
 */
@Injectable()
export class AlertsService {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(Outbox) private readonly outbox: Outbox,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /** Inside the submit transaction: raises the alert, if the answers call for one. Returns its id. */
  async raiseFor(tx: EntityManager, audit: AuditRecorder, submitted: SubmittedResponse): Promise<string | null> {
    const signals = reasonsFor(submitted.exercise, submitted.answers);
    if (signals.length === 0) return null;
    const measure = measureOfExercise(submitted.exercise);
    const priority: AlertPriority = (measure && measureRisk(measure.id, submitted.answers)?.priority) || 'normal';
    const db = kyselyOn(tx);
    const row = await db
      .insertInto('alert')
      .values({
        practice_id: submitted.practiceId,
        response_id: submitted.responseId,
        client_id: submitted.clientId,
        couple_id: submitted.coupleId,
        assignment_id: submitted.assignmentId,
        seq: submitted.seq,
        priority,
        signals: signals.length,
      })
      .onConflict((oc) => oc.columns(['practice_id', 'response_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return null;
    await audit.record({
      action: 'alert.raised',
      recordType: 'alert',
      recordId: row.id,
      subjectId: submitted.coupleId ?? submitted.clientId,
      detail: { priority, signals: signals.length },
    });
    // The primary clinician hears of it by email too: that an answer needs them, nothing of what it says.
    const primary = await db
      .selectFrom('care_team_member')
      .select('staff_user_id')
      .where('practice_id', '=', submitted.practiceId)
      .where(submitted.coupleId ? 'couple_id' : 'client_id', '=', submitted.coupleId ?? submitted.clientId)
      .where('role', '=', 'primary')
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (primary) {
      await this.outbox.enqueue(tx, {
        practiceId: submitted.practiceId,
        kind: 'safety_alert',
        to: { kind: 'staff', id: primary.staff_user_id },
        dedupeKey: `safety_alert:${row.id}`,
        clientId: submitted.clientId,
        ...(submitted.coupleId ? { coupleId: submitted.coupleId } : {}),
      });
    }
    return row.id;
  }

  async list(actor: StaffActor, query: ListAlertsQuery): Promise<Page<AlertView>> {
    const keyset = new Keyset<{ raised_at: Date; id: string }>(
      this.cursors,
      {
        scope: { list: `alerts:${query.status ?? 'open'}`, practiceId: actor.practiceId, within: `${actor.userId}:${query.clientId ?? ''}:${query.coupleId ?? ''}` },
        direction: 'desc',
        keys: [
          { by: 'al.raised_at', part: 'timestamp', of: (r) => r.raised_at.toISOString() },
          { by: 'al.id', part: 'uuid', of: (r) => r.id },
        ],
      },
      query,
      20,
    );
    let q = selectAlerts(this.kdb).where('al.practice_id', '=', actor.practiceId).where(onAlertTeam(actor.userId));
    if (query.clientId || query.coupleId) {
      const subject = requireOneSubject(query);
      await this.access.subject(actor, subject);
      q = 'clientId' in subject ? q.where('al.client_id', '=', subject.clientId).where('al.couple_id', 'is', null) : q.where('al.couple_id', '=', subject.coupleId);
    }
    if ((query.status ?? 'open') === 'open') q = q.where('al.acknowledged_at', 'is', null);
    const { rows: page, nextCursor } = await keyset.read(q);
    await this.auditReads(actor, page);
    return { items: page.map((r) => this.toView(r)), nextCursor };
  }

  /** What admins may know: how many alerts are open in the practice. */
  async counts(actor: StaffActor): Promise<AlertCounts> {
    const scope = alertCountScope(actor);
    if (scope === 'none') throw new ForbiddenError();
    const mine = scope === 'own';
    const row = await this.kdb
      .selectFrom('alert as al')
      .select([sql<number>`count(*)::int`.as('open'), sql<number>`count(*) FILTER (WHERE al.priority = 'high')::int`.as('open_high')])
      .where('al.practice_id', '=', actor.practiceId)
      .where('al.acknowledged_at', 'is', null)
      .$if(mine, (q) => q.where(onAlertTeam(actor.userId)))
      .executeTakeFirstOrThrow();
    return { open: row.open, openHigh: row.open_high };
  }

  async acknowledge(actor: StaffActor, id: string, dto: AcknowledgeAlertDto): Promise<AlertView> {
    const row = await this.findVisible(actor, id);
    if (row.acknowledged_at) throw new ConflictError('already_acknowledged', 'Someone on the care team has already acknowledged this alert.');
    const sealed = this.cipher.encrypt(dto.note.trim(), aadFor('alert', actor.practiceId, id, 'note'));
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const done = await db
        .updateTable('alert')
        .set({ acknowledged_at: sql`now()`, acknowledged_by: actor.userId, key_id: sealed.keyId, note_enc: sealed.ciphertext })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .returning('id')
        .execute();
      if (done.length === 0) throw new ConflictError('already_acknowledged', 'Someone on the care team has already acknowledged this alert.');
      await audit.record({ action: 'alert.acknowledged', recordType: 'alert', recordId: id, subjectId: row.couple_id ?? row.client_id });
    });
    const updated = await this.findVisible(actor, id);
    await this.auditReads(actor, [updated]);
    return this.toView(updated);
  }

  private async findVisible(actor: StaffActor, id: string): Promise<AlertRow> {
    const row = await selectAlerts(this.kdb).where('al.practice_id', '=', actor.practiceId).where('al.id', '=', id).where(onAlertTeam(actor.userId)).executeTakeFirst();
    if (!row) throw new NotFoundError('alert');
    return row;
  }

  /** The reasons shown come from the client's answers, so showing them is a read of those answers. */
  private async auditReads(actor: StaffActor, rows: AlertRow[]) {
    const bySubject = new Map<string, number>();
    for (const r of rows) bySubject.set(r.couple_id ?? r.client_id, (bySubject.get(r.couple_id ?? r.client_id) ?? 0) + 1);
    if (bySubject.size === 0) return;
    await this.writes.transaction(actor, async (_tx, audit) => {
      for (const [subjectId, count] of bySubject) {
        await audit.record({ action: 'response.read', recordType: 'alert', subjectId, detail: { view: 'alerts', responses: count } });
      }
    });
  }

  private toView(row: AlertRow): AlertView {
    const answers = openAnswers(this.cipher, { practice_id: row.practice_id, id: row.response_id, key_id: row.response_key_id, answers_enc: row.answers_enc });
    const exercise = withBuiltInSafety(row.exercise);
    return {
      id: row.id,
      priority: row.priority,
      raisedAt: row.raised_at.toISOString(),
      client: { id: row.client_id, name: row.client_name },
      couple: row.couple_id ? { id: row.couple_id, displayName: row.couple_name! } : null,
      assignmentId: row.assignment_id,
      seq: row.seq,
      exerciseTitle: exercise.title,
      reasons: reasonsFor(exercise, answers),
      acknowledged:
        row.acknowledged_at && row.note_enc && row.key_id
          ? {
              at: row.acknowledged_at.toISOString(),
              by: { id: row.acknowledged_by!, name: row.acknowledged_by_name ?? '' },
              note: this.cipher.decrypt(row.note_enc, row.key_id, aadFor('alert', row.practice_id, row.id, 'note')),
            }
          : null,
    };
  }
}
