import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { BackupsService, type BackupOutcome } from './backups.service.js';
import { lastSlotAtOrBefore, nextSlotAfter } from './schedule.js';

/** A missed backup (Tandem was not running at the scheduled time) is made this long after start. */
const CATCH_UP_DELAY_MS = 2 * 60_000;
/** A failed scheduled backup is tried again after an hour, up to this many times before the next day's slot. */
const RETRY_DELAY_MS = 3_600_000;
const RETRIES = 2;

/**
 * Daily backups while Tandem runs, at TANDEM_BACKUP_AT in the practice's time
 * zone. A minute timer calls `tick()`, which reads the clock, so tests drive
 * the schedule through BackupClock.
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private nextRunAt?: Date;
  private attempt = 0;
  private running?: Promise<BackupOutcome | undefined>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BackupsService) private readonly backups: BackupsService,
  ) {}

  get enabled(): boolean {
    return this.config.backup.schedule === 'daily';
  }

  get next(): Date | undefined {
    return this.nextRunAt;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.plan().catch(() => undefined);
    this.timer = setInterval(() => void this.tick(), 60_000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Next run: the next daily slot, or shortly after start when the last slot passed without a good backup. */
  async plan(): Promise<Date> {
    const now = this.backups.clock.now();
    const timeZone = await this.backups.timeZone();
    const lastSlot = lastSlotAtOrBefore(now, this.config.backup.at, timeZone);
    const lastGood = await this.backups.lastSuccessAt();
    this.attempt = 0;
    this.nextRunAt = !lastGood || lastGood < lastSlot ? new Date(now.getTime() + CATCH_UP_DELAY_MS) : nextSlotAfter(now, this.config.backup.at, timeZone);
    return this.nextRunAt;
  }

  /** Runs the backup when it is due; returns its outcome, or undefined when nothing was due. */
  async tick(): Promise<BackupOutcome | undefined> {
    if (!this.enabled || this.running) return undefined;
    if (!this.nextRunAt) await this.plan().catch(() => undefined);
    const now = this.backups.clock.now();
    if (!this.nextRunAt || now < this.nextRunAt) return undefined;
    this.running = this.runDue(now);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async runDue(now: Date): Promise<BackupOutcome> {
    const outcome = await this.backups.run('scheduled');
    const timeZone = await this.backups.timeZone().catch(() => 'UTC');
    const nextSlot = nextSlotAfter(now, this.config.backup.at, timeZone);
    if (outcome.outcome === 'failed' && this.attempt < RETRIES && now.getTime() + RETRY_DELAY_MS < nextSlot.getTime()) {
      this.attempt += 1;
      this.nextRunAt = new Date(now.getTime() + RETRY_DELAY_MS);
    } else {
      this.attempt = 0;
      this.nextRunAt = nextSlot;
    }
    return outcome;
  }
}
