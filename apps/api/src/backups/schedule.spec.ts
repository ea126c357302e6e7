import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { backupFileName, timeOfBackupFile } from './backup-file.js';
import { lastSlotAtOrBefore, nextSlotAfter, planRetention, pruneBackups } from './schedule.js';

const CHICAGO = 'America/Chicago';
const localDate = (at: Date) => at.toLocaleDateString('en-CA', { timeZone: CHICAGO });

describe('backup schedule', () => {
  it('runs at the local time every day, across clock changes', () => {
    // 23:30 in Chicago is 04:30 UTC the next day in summer (CDT) and 05:30 in winter (CST).
    expect(nextSlotAfter(new Date('2026-07-01T12:00:00Z'), '23:30', CHICAGO).toISOString()).toBe('2026-07-02T04:30:00.000Z');
    expect(nextSlotAfter(new Date('2026-11-01T12:00:00Z'), '23:30', CHICAGO).toISOString()).toBe('2026-11-02T05:30:00.000Z');
    expect(nextSlotAfter(new Date('2026-03-08T01:00:00Z'), '03:30', CHICAGO).toISOString()).toBe('2026-03-08T08:30:00.000Z');
    expect(nextSlotAfter(new Date('2026-11-28T09:30:00Z'), '03:30', CHICAGO).toISOString()).toBe('2026-11-29T09:30:00.000Z');
    expect(lastSlotAtOrBefore(new Date('2026-11-28T09:30:00Z'), '03:30', CHICAGO).toISOString()).toBe('2026-11-28T09:30:00.000Z');
    expect(lastSlotAtOrBefore(new Date('2026-11-28T09:29:59Z'), '03:30', CHICAGO).toISOString()).toBe('2026-11-27T09:30:00.000Z');
  });

  it('reads a backup file name back to its time', () => {
    const at = new Date('2026-11-28T09:30:07Z');
    const name = backupFileName(at, 'BackupRuns1764001200000');
    expect(name).toBe('tandem-2026-11-28T09-30-07Z-schema-1764001200000.tandem-backup');
    expect(timeOfBackupFile(name)).toEqual(at);
    expect(timeOfBackupFile(name.replace('.tandem-backup', '-2.tandem-backup'))).toEqual(at);
    expect(timeOfBackupFile('holiday-photo.jpg')).toBeUndefined();
  });
});

describe('backup retention: 7 daily, 8 weekly, 12 monthly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-retention-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('after fifteen months of nightly backups, keeps exactly the planned set', async () => {
    await fs.writeFile(path.join(dir, 'README.txt'), 'not a backup: left alone');
    // The clock: every night at 23:30 in Chicago from 1 September 2025 to Saturday 28 November 2026, pruning after each backup.
    let now = new Date('2025-09-01T12:00:00Z');
    let runs = 0;
    for (;;) {
      now = nextSlotAfter(now, '23:30', CHICAGO);
      if (localDate(now) > '2026-11-28') break;
      await fs.writeFile(path.join(dir, backupFileName(now, 'BackupRuns1764001200000')), '');
      await pruneBackups(dir, CHICAGO);
      runs += 1;
    }
    expect(runs).toBe(454);
    const names = await fs.readdir(dir);
    expect(names).toContain('README.txt');
    const kept = names.flatMap((n) => (timeOfBackupFile(n) ? [localDate(timeOfBackupFile(n)!)] : [])).sort().reverse();
    expect(kept).toEqual([
      // the last 7 days
      '2026-11-28', '2026-11-27', '2026-11-26', '2026-11-25', '2026-11-24', '2026-11-23', '2026-11-22',
      // the newest of each of the last 8 ISO weeks (Sundays, and this week's Saturday above)
      '2026-11-15', '2026-11-08', '2026-11-01', '2026-10-25', '2026-10-18', '2026-10-11',
      // the newest of each of the last 12 months (month ends, and this month's 28th above)
      '2026-10-31', '2026-09-30', '2026-08-31', '2026-07-31', '2026-06-30', '2026-05-31', '2026-04-30', '2026-03-31', '2026-02-28', '2026-01-31', '2025-12-31',
    ].sort().reverse());
  });

  it('counts only periods that have a backup, so weeks of failed backups never make the last good ones go', () => {
    // Good backups on 1–10 October, then none (failures) until the end of November: the seven newest days stay daily backups.
    const backups = Array.from({ length: 10 }, (_, i) => {
      const name = `2026-10-${String(i + 1).padStart(2, '0')}`;
      return { name, at: new Date(`${name}T10:00:00Z`) };
    });
    const plan = planRetention(backups, 'UTC');
    expect(plan.keep).toEqual(['2026-10-10', '2026-10-09', '2026-10-08', '2026-10-07', '2026-10-06', '2026-10-05', '2026-10-04']);
    expect(plan.remove).toEqual(['2026-10-03', '2026-10-02', '2026-10-01']);
  });
});
