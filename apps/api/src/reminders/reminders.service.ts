import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { clientsReachedBy } from '../access/access.service.js';
import { AuditedWrites, type AuditRecorder } from '../audit/audited-writes.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Clock } from '../delivery/clock.js';
import { MailTransport } from '../delivery/mail-transport.js';
import { Outbox } from '../delivery/outbox.service.js';
import { issuePortalLinkForEmail } from '../delivery/portal-link-sender.js';

/** No reminder or digest goes out from 21:00 to 08:00, practice time. */
export const QUIET_FROM_HOUR = 21;
export const QUIET_UNTIL_HOUR = 8;

type PracticeNow = Awaited<ReturnType<RemindersService['practicesNow']>>[number];

/**
 * Homework reminders and the clinicians' daily digest. `tick(now)` looks at
 * each practice's local time and enqueues what is due: on the due day, from
 * the client's preferred hour, one reminder per client about their own open
 * homework; the day after a due date, one nudge; for clinicians who asked
 * for it, one digest a day with counts only. Dedupe keys make a second tick
 * (another process, a restart) a no-op. Reminders follow the assignment's
 * "remind" tick and the client's own setting.
 */
@Injectable()
export class RemindersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('reminders');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectKysely() private readonly kdb: Db,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MailTransport) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.transport.configured) return;
    this.timer = setInterval(() => void this.scheduled(), this.config.mail.reminderCheckSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async scheduled() {
    if (this.running) return;
    this.running = true;
    try {
      await this.tick();
    } catch (error) {
      this.log.warn(`reminder tick failed: ${(error as { code?: string }).code ?? 'error'}`);
    } finally {
      this.running = false;
    }
  }

  /** Enqueues every reminder and digest due at the clock's current time; returns how many were enqueued. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const practices = await this.practicesNow(now);
    let queued = 0;
    for (const p of practices) {
      if (p.hour < QUIET_UNTIL_HOUR || p.hour >= QUIET_FROM_HOUR) continue;
      queued += await this.homework(p, 'homework_due', p.today);
      queued += await this.homework(p, 'homework_overdue', p.yesterday);
      queued += await this.digests(p, now);
    }
    return queued;
  }

  /** Each practice's local date today and yesterday, and its local hour, at `now`. */
  private practicesNow(now: Date) {
    return this.kdb
      .selectFrom('practice')
      .select([
        'id',
        sql<string>`to_char((${now}::timestamptz AT TIME ZONE timezone)::date, 'YYYY-MM-DD')`.as('today'),
        sql<string>`to_char((${now}::timestamptz AT TIME ZONE timezone)::date - 1, 'YYYY-MM-DD')`.as('yesterday'),
        sql<number>`extract(hour FROM ${now}::timestamptz AT TIME ZONE timezone)::int`.as('hour'),
      ])
      .execute();
  }

  /** Called in the assignment's transaction when the clinician ticked "remind": tells each member there is something new. */
  async assigned(tx: EntityManager, audit: AuditRecorder, a: { practiceId: string; assignmentId: string; assignedBy: string; coupleId: string | null }) {
    const now = this.clock.now();
    const at = sql`${now}::timestamptz`;
    const from = sql.lit(QUIET_UNTIL_HOUR);
    const until = sql.lit(QUIET_FROM_HOUR);
    const members = await kyselyOn(tx)
      .selectFrom('assignment_member as m')
      .innerJoin('client as c', (join) => join.onRef('c.practice_id', '=', 'm.practice_id').onRef('c.id', '=', 'm.client_id'))
      .innerJoin('practice as p', 'p.id', 'm.practice_id')
      .select([
        'm.client_id',
        sql<Date>`CASE WHEN extract(hour FROM ${at} AT TIME ZONE p.timezone) >= ${from}
                        AND extract(hour FROM ${at} AT TIME ZONE p.timezone) < ${until} THEN ${at}
                       ELSE (date_trunc('day', ${at} AT TIME ZONE p.timezone)
                             + CASE WHEN extract(hour FROM ${at} AT TIME ZONE p.timezone) >= ${until} THEN interval '1 day' ELSE interval '0' END
                             + ${sql.raw(`interval '${QUIET_UNTIL_HOUR} hours'`)}) AT TIME ZONE p.timezone END`.as('send_at'),
      ])
      .where('m.practice_id', '=', a.practiceId)
      .where('m.assignment_id', '=', a.assignmentId)
      .where(sql<boolean>`c.status = 'active' AND c.reminders_enabled AND c.email IS NOT NULL AND c.email_opted_out_at IS NULL`)
      .execute();
    for (const m of members) {
      await this.enqueueWithLink(tx, audit, {
        practiceId: a.practiceId,
        clientId: m.client_id,
        coupleId: a.coupleId,
        createdBy: a.assignedBy,
        kind: 'homework_assigned',
        dedupeKey: `homework_assigned:${a.assignmentId}:${m.client_id}`,
        baseUrl: this.config.publicBaseUrl ?? `http://localhost:${this.config.port}`,
        notBefore: m.send_at,
      });
    }
  }

  private async homework(p: PracticeNow, kind: 'homework_due' | 'homework_overdue', dueOn: string): Promise<number> {
    // One message per client and day, about that client's own open part only.
    const due = await this.kdb
      .selectFrom('assignment_occurrence as o')
      .innerJoin('assignment as a', (join) => join.onRef('a.practice_id', '=', 'o.practice_id').onRef('a.id', '=', 'o.assignment_id'))
      .innerJoin('assignment_member as m', (join) => join.onRef('m.practice_id', '=', 'o.practice_id').onRef('m.assignment_id', '=', 'o.assignment_id'))
      .innerJoin('client as c', (join) => join.onRef('c.practice_id', '=', 'm.practice_id').onRef('c.id', '=', 'm.client_id'))
      .distinctOn('m.client_id')
      .select(['m.client_id', 'o.couple_id', 'a.assigned_by'])
      .where('o.practice_id', '=', p.id)
      .where(sql<boolean>`o.due_on = ${dueOn}::date AND o.pending > 0 AND NOT o.cancelled
          AND a.remind AND a.cancelled_at IS NULL
          AND c.status = 'active' AND c.reminders_enabled AND c.email IS NOT NULL AND c.email_opted_out_at IS NULL`)
      .where('c.reminder_hour', '<=', p.hour)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM response r
                           WHERE r.practice_id = o.practice_id AND r.assignment_id = o.assignment_id AND r.seq = o.seq
                             AND r.client_id = m.client_id AND r.status = 'submitted')`)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM delivery d WHERE d.practice_id = o.practice_id AND d.dedupe_key = ${kind} || ':' || m.client_id || ':' || ${p.today})`)
      .orderBy('m.client_id')
      .orderBy(sql`o.couple_id NULLS FIRST`)
      .execute();
    let queued = 0;
    for (const d of due) {
      await this.writes.transaction({ kind: 'system', practiceId: p.id }, async (tx, audit) => {
        const id = await this.enqueueWithLink(tx, audit, {
          practiceId: p.id,
          clientId: d.client_id,
          coupleId: d.couple_id,
          createdBy: d.assigned_by,
          kind,
          dedupeKey: `${kind}:${d.client_id}:${p.today}`,
          baseUrl: this.config.publicBaseUrl ?? `http://localhost:${this.config.port}`,
        });
        if (id) queued++;
      });
    }
    return queued;
  }

  private async digests(p: PracticeNow, now: Date): Promise<number> {
    const staff = await this.kdb
      .selectFrom('staff_user as u')
      .select([
        'u.id',
        sql<number>`(SELECT count(*)::int FROM response r
                      WHERE r.practice_id = u.practice_id AND r.status = 'submitted' AND r.submitted_at > ${now}::timestamptz - interval '1 day'
                        AND r.client_id IN (${sql.raw(clientsReachedBy('u.practice_id', 'u.id'))}))`.as('submissions'),
        sql<number>`(SELECT count(*)::int FROM assignment_occurrence o
                      WHERE o.practice_id = u.practice_id AND o.pending > 0 AND NOT o.cancelled AND o.due_on < ${p.today}::date
                        AND (o.client_id IN (SELECT ct.client_id FROM care_team_member ct WHERE ct.practice_id = u.practice_id AND ct.staff_user_id = u.id AND ct.removed_at IS NULL)
                          OR o.couple_id IN (SELECT ct.couple_id FROM care_team_member ct WHERE ct.practice_id = u.practice_id AND ct.staff_user_id = u.id AND ct.removed_at IS NULL)))`.as('overdue'),
      ])
      .where('u.practice_id', '=', p.id)
      .where(sql<boolean>`u.digest_enabled AND u.active AND 'clinician' = ANY(u.roles)`)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM delivery d WHERE d.practice_id = u.practice_id AND d.dedupe_key = 'clinician_digest:' || u.id || ':' || ${p.today})`)
      .execute();
    let queued = 0;
    for (const s of staff) {
      if (s.submissions + s.overdue === 0) continue;
      await this.writes.transaction({ kind: 'system', practiceId: p.id }, async (tx) => {
        const id = await this.outbox.enqueue(tx, {
          practiceId: p.id,
          kind: 'clinician_digest',
          to: { kind: 'staff', id: s.id },
          dedupeKey: `clinician_digest:${s.id}:${p.today}`,
          params: { submissions: s.submissions, overdue: s.overdue, baseUrl: this.config.publicBaseUrl ?? `http://localhost:${this.config.port}` },
        });
        if (id) queued++;
      });
    }
    return queued;
  }

  /** A homework message carries the client's own new portal link; sessions opened with the old one stay open. */
  private async enqueueWithLink(
    tx: EntityManager,
    audit: AuditRecorder,
    m: { practiceId: string; clientId: string; coupleId: string | null; createdBy: string; kind: 'homework_assigned' | 'homework_due' | 'homework_overdue'; dedupeKey: string; baseUrl: string; notBefore?: Date },
  ): Promise<string | null> {
    const taken = await kyselyOn(tx).selectFrom('delivery').select(sql.lit(1).as('one')).where('practice_id', '=', m.practiceId).where('dedupe_key', '=', m.dedupeKey).executeTakeFirst();
    if (taken) return null;
    const { token } = await issuePortalLinkForEmail(tx, audit, {
      practiceId: m.practiceId,
      clientId: m.clientId,
      createdBy: m.createdBy,
      expiresAt: new Date(this.clock.now().getTime() + this.config.portal.linkDays * 86_400_000),
      endSessions: false,
      reason: m.kind,
    });
    return this.outbox.enqueue(tx, {
      practiceId: m.practiceId,
      kind: m.kind,
      to: { kind: 'client', id: m.clientId },
      dedupeKey: m.dedupeKey,
      clientId: m.clientId,
      coupleId: m.coupleId ?? undefined,
      params: { baseUrl: m.baseUrl },
      secret: token,
      notBefore: m.notBefore,
    });
  }
}
