import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { measureOfExercise, measureRisk, riskSignals, withBuiltInSafety, type AlertCounts, type AlertPriority, type AlertView, type Answers, type Exercise, type Page } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { alertCountScope } from '../access/rules.js';
import { openAnswers } from '../homework/answers-cipher.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/app-error.js';
import { PageCursors, pageLimit } from '../common/cursor.js';
import { modify } from '../common/sql.js';
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

interface AlertRow {
  id: string;
  practice_id: string;
  priority: AlertPriority;
  raised_at: Date;
  client_id: string;
  client_name: string;
  couple_id: string | null;
  couple_name: string | null;
  assignment_id: string;
  seq: number;
  exercise: Exercise;
  response_id: string;
  response_key_id: string;
  answers_enc: Buffer;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  key_id: string | null;
  note_enc: Buffer | null;
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

const SELECT = `
  SELECT al.id, al.practice_id, al.priority, al.raised_at, al.client_id, c.name AS client_name, al.couple_id, cp.display_name AS couple_name,
         al.assignment_id, al.seq, a.exercise, al.response_id, r.key_id AS response_key_id, r.answers_enc,
         al.acknowledged_at, al.acknowledged_by, u.name AS acknowledged_by_name, al.key_id, al.note_enc
    FROM alert al
    JOIN client c ON c.practice_id = al.practice_id AND c.id = al.client_id
    LEFT JOIN couple cp ON cp.practice_id = al.practice_id AND cp.id = al.couple_id
    JOIN assignment a ON a.practice_id = al.practice_id AND a.id = al.assignment_id
    JOIN response r ON r.practice_id = al.practice_id AND r.id = al.response_id
    LEFT JOIN staff_user u ON u.practice_id = al.practice_id AND u.id = al.acknowledged_by`;

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
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  /** Inside the submit transaction: raises the alert, if the answers call for one. Returns its id. */
  async raiseFor(tx: EntityManager, audit: AuditRecorder, submitted: SubmittedResponse): Promise<string | null> {
    const signals = reasonsFor(submitted.exercise, submitted.answers);
    if (signals.length === 0) return null;
    const measure = measureOfExercise(submitted.exercise);
    const priority: AlertPriority = (measure && measureRisk(measure.id, submitted.answers)?.priority) || 'normal';
    const [row] = (await tx.query(
      `INSERT INTO alert (practice_id, response_id, client_id, couple_id, assignment_id, seq, priority, signals)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (practice_id, response_id) DO NOTHING RETURNING id`,
      [submitted.practiceId, submitted.responseId, submitted.clientId, submitted.coupleId, submitted.assignmentId, submitted.seq, priority, signals.length],
    )) as Array<{ id: string }>;
    if (!row) return null;
    await audit.record({
      action: 'alert.raised',
      recordType: 'alert',
      recordId: row.id,
      subjectId: submitted.coupleId ?? submitted.clientId,
      detail: { priority, signals: signals.length },
    });
    // The primary clinician hears of it by email too: that an answer needs them, nothing of what it says.
    const [primary] = (await tx.query(
      `SELECT staff_user_id FROM care_team_member
        WHERE practice_id = $1 AND ${submitted.coupleId ? 'couple_id' : 'client_id'} = $2 AND role = 'primary' AND removed_at IS NULL`,
      [submitted.practiceId, submitted.coupleId ?? submitted.clientId],
    )) as Array<{ staff_user_id: string }>;
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
    const limit = pageLimit(query.limit, 20);
    const scope = { list: `alerts:${query.status ?? 'open'}`, practiceId: actor.practiceId, within: `${actor.userId}:${query.clientId ?? ''}:${query.coupleId ?? ''}` };
    const after = this.cursors.decode(query.cursor, scope, ['timestamp', 'uuid']);
    const params: unknown[] = [actor.practiceId, actor.userId];
    const add = (v: unknown) => `$${params.push(v)}`;
    const where = ['al.practice_id = $1', ON_ALERT_TEAM('$2')];
    if (query.clientId || query.coupleId) {
      const subject = requireOneSubject(query);
      await this.access.subject(actor, subject);
      where.push('clientId' in subject ? `al.client_id = ${add(subject.clientId)} AND al.couple_id IS NULL` : `al.couple_id = ${add(subject.coupleId)}`);
    }
    if ((query.status ?? 'open') === 'open') where.push('al.acknowledged_at IS NULL');
    if (after) where.push(`(al.raised_at, al.id) < (${add(after[0])}::timestamptz, ${add(after[1])}::uuid)`);
    const rows = (await this.db.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY al.raised_at DESC, al.id DESC LIMIT ${add(limit + 1)}`, params)) as AlertRow[];
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const page = rows.slice(0, limit);
    await this.auditReads(actor, page);
    return { items: page.map((r) => this.toView(r)), nextCursor: last ? this.cursors.encode(scope, [last.raised_at.toISOString(), last.id]) : null };
  }

  /** What admins may know: how many alerts are open in the practice. */
  async counts(actor: StaffActor): Promise<AlertCounts> {
    const scope = alertCountScope(actor);
    if (scope === 'none') throw new ForbiddenError();
    const mine = scope === 'own';
    const [row] = (await this.db.query(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE al.priority = 'high')::int AS open_high
         FROM alert al WHERE al.practice_id = $1 AND al.acknowledged_at IS NULL ${mine ? `AND ${ON_ALERT_TEAM('$2')}` : ''}`,
      mine ? [actor.practiceId, actor.userId] : [actor.practiceId],
    )) as Array<{ open: number; open_high: number }>;
    return { open: row!.open, openHigh: row!.open_high };
  }

  async acknowledge(actor: StaffActor, id: string, dto: AcknowledgeAlertDto): Promise<AlertView> {
    const row = await this.findVisible(actor, id);
    if (row.acknowledged_at) throw new ConflictError('already_acknowledged', 'Someone on the care team has already acknowledged this alert.');
    const sealed = this.cipher.encrypt(dto.note.trim(), aadFor('alert', actor.practiceId, id, 'note'));
    await this.writes.transaction(actor, async (tx, audit) => {
      const done = await modify(
        tx,
        `UPDATE alert SET acknowledged_at = now(), acknowledged_by = $3, key_id = $4, note_enc = $5
          WHERE practice_id = $1 AND id = $2 AND acknowledged_at IS NULL RETURNING id`,
        [actor.practiceId, id, actor.userId, sealed.keyId, sealed.ciphertext],
      );
      if (done.length === 0) throw new ConflictError('already_acknowledged', 'Someone on the care team has already acknowledged this alert.');
      await audit.record({ action: 'alert.acknowledged', recordType: 'alert', recordId: id, subjectId: row.couple_id ?? row.client_id });
    });
    const updated = await this.findVisible(actor, id);
    await this.auditReads(actor, [updated]);
    return this.toView(updated);
  }

  private async findVisible(actor: StaffActor, id: string): Promise<AlertRow> {
    const [row] = (await this.db.query(`${SELECT} WHERE al.practice_id = $1 AND al.id = $2 AND ${ON_ALERT_TEAM('$3')}`, [actor.practiceId, id, actor.userId])) as AlertRow[];
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
