import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import type { BackupAttention, BackupStatus } from '@tandem/shared';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { assertNotADataKey, loadBackupKeys } from './backup-keys.js';
import { exportDatabase, type BackupResult } from './export.js';
import { pruneBackups } from './schedule.js';

/** The time, for the scheduler and the status; tests drive it. */
@Injectable()
export class BackupClock {
  now(): Date {
    return new Date();
  }
}

/** Only one scheduled backup at a time across every Tandem process on the database (pg_try_advisory_lock). */
export const BACKUP_LOCK_KEY = 0x54_4e_44_4d_42;

/** Without a good backup for this long while the schedule is on, admins are told. */
const OVERDUE_MS = 48 * 3_600_000;

export type BackupTrigger = 'scheduled' | 'manual';

export type BackupOutcome =
  | { outcome: 'ok'; result: BackupResult; removed: string[] }
  | { outcome: 'failed'; message: string }
  | { outcome: 'skipped' };

/** A failure's description for the log and for admins: no connection strings, no keys. */
export function describeBackupFailure(error: unknown, dir: string): string {
  const e = error as NodeJS.ErrnoException;
  const byCode: Record<string, string> = {
    EACCES: `The backup folder ${dir} cannot be written (permission denied).`,
    EPERM: `The backup folder ${dir} cannot be written (permission denied).`,
    EROFS: `The backup folder ${dir} is on a read-only disk.`,
    ENOSPC: `The disk holding the backup folder ${dir} is full.`,
    ENOTDIR: `The backup folder ${dir} cannot be created: part of its path is a file.`,
    ECONNREFUSED: 'The database could not be reached.',
  };
  const message = (e?.code && byCode[e.code]) || (error instanceof Error ? error.message : String(error));
  return message.replace(/postgres(ql)?:\/\/[^\s'"]+/gi, 'postgresql://…').slice(0, 2000);
}

/**
 * Backups while Tandem runs: one run (export, retention for scheduled runs,
 * a row in backup_run and a log line, good or failed) and the status admins see.
 */
@Injectable()
export class BackupsService {
  /** A failure that could not be recorded in the database (it may be the reason), kept for the status. */
  private unrecordedFailure?: { at: Date; message: string };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(BackupClock) readonly clock: BackupClock,
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  private get log(): Logger | undefined {
    return (this.http.httpAdapter?.getInstance() as { log?: Logger } | undefined)?.log;
  }

  private get databaseUrl(): string {
    return (this.db.options as { url: string }).url;
  }

  /** The time zone of the schedule and of retention: TANDEM_BACKUP_TIMEZONE, or the practice's own (the first one on a shared install). */
  async timeZone(): Promise<string> {
    if (this.config.backup.timeZone) return this.config.backup.timeZone;
    const first = await this.kdb.selectFrom('practice').select('timezone').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    return first?.timezone ?? 'UTC';
  }

  async lastSuccessAt(): Promise<Date | undefined> {
    const last = await this.kdb
      .selectFrom('backup_run')
      .select('finished_at')
      .where('outcome', '=', sql.lit('ok'))
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last?.finished_at;
  }

  /** One backup into the backup folder; never throws: the outcome is logged and recorded. */
  async run(trigger: BackupTrigger): Promise<BackupOutcome> {
    const started = this.clock.now();
    const dir = this.config.backup.dir;
    try {
      const keys = await loadBackupKeys(this.config.backup, { create: true });
      assertNotADataKey(keys, this.cipher);
      const result = await exportDatabase(this.databaseUrl, keys, dir, { lockKey: trigger === 'scheduled' ? BACKUP_LOCK_KEY : undefined });
      if (!result) {
        this.log?.info({ event: 'backup.skipped', trigger }, 'backup skipped: another Tandem process is backing up');
        return { outcome: 'skipped' };
      }
      const removed = trigger === 'scheduled' ? (await pruneBackups(dir, await this.timeZone())).remove : [];
      await this.kdb
        .insertInto('backup_run')
        .values({
          trigger,
          started_at: started,
          finished_at: this.clock.now(),
          outcome: sql.lit('ok'),
          file_name: path.basename(result.file),
          bytes: result.bytes,
          schema_version: result.schemaVersion,
        })
        .execute();
      this.unrecordedFailure = undefined;
      this.log?.info(
        {
          event: 'backup.done',
          trigger,
          file: path.basename(result.file),
          bytes: result.bytes,
          rows: result.tables.reduce((s, t) => s + t.rows, 0),
          ms: Date.now() - started.getTime(),
          removed: removed.length,
        },
        'backup written',
      );
      return { outcome: 'ok', result, removed };
    } catch (error) {
      const message = describeBackupFailure(error, dir);
      this.log?.error({ event: 'backup.failed', trigger, reason: message }, 'backup failed');
      await this.kdb
        .insertInto('backup_run')
        .values({ trigger, started_at: started, finished_at: this.clock.now(), outcome: sql.lit('failed'), message })
        .execute()
        .then(
          () => (this.unrecordedFailure = undefined),
          () => (this.unrecordedFailure = { at: this.clock.now(), message }),
        );
      return { outcome: 'failed', message };
    }
  }

  async status(nextRunAt: Date | undefined): Promise<BackupStatus> {
    const latest = async (outcome: 'ok' | 'failed') =>
      this.kdb
        .selectFrom('backup_run')
        .select(['finished_at', 'file_name', 'bytes', 'message'])
        .where('outcome', '=', outcome)
        .orderBy('finished_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    const good = await latest('ok');
    let failed: { at: Date; message: string } | undefined;
    const failedRow = await latest('failed');
    if (failedRow) failed = { at: failedRow.finished_at, message: failedRow.message ?? '' };
    if (this.unrecordedFailure && (!failed || this.unrecordedFailure.at > failed.at)) failed = this.unrecordedFailure;
    const enabled = this.config.backup.schedule === 'daily';
    return {
      schedule: { enabled, at: this.config.backup.at, timeZone: await this.timeZone(), nextRunAt: enabled && nextRunAt ? nextRunAt.toISOString() : null },
      lastSuccess: good ? { at: good.finished_at.toISOString(), fileName: good.file_name!, bytes: Number(good.bytes) } : null,
      lastFailure: failed ? { at: failed.at.toISOString(), message: failed.message } : null,
      attention: backupAttention(good?.finished_at, failed, enabled, this.clock.now()),
    };
  }
}

/** What an admin must be told, if anything: a failure since the last good backup, or no good backup for two days. */
export function backupAttention(lastGood: Date | undefined, lastFailure: { at: Date; message: string } | undefined, scheduled: boolean, now: Date): BackupAttention | null {
  if (lastFailure && (!lastGood || lastFailure.at > lastGood)) {
    return {
      kind: 'backup_failed',
      severity: 'urgent',
      since: lastFailure.at.toISOString(),
      title: 'The last backup failed',
      detail: `${lastFailure.message} ${lastGood ? `The last good backup is from ${lastGood.toISOString()}.` : 'There is no good backup yet.'}`,
    };
  }
  if (scheduled && lastGood && now.getTime() - lastGood.getTime() > OVERDUE_MS) {
    return {
      kind: 'backup_overdue',
      severity: 'warning',
      since: new Date(lastGood.getTime() + OVERDUE_MS).toISOString(),
      title: 'No backup for more than two days',
      detail: `The last good backup is from ${lastGood.toISOString()}. Scheduled backups run only while Tandem is running.`,
    };
  }
  return null;
}
