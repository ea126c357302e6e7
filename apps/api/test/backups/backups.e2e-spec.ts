import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/common/logger.js';
import { aadFor, dataKey, FieldCipher } from '../../src/encryption/field-cipher.js';
import { backupKey, BackupKeyring } from '../../src/backups/backup-keys.js';
import { checkBackupBody, openBackupFile, writeBackupFile } from '../../src/backups/backup-file.js';
import { newRestoreTarget, scratchDatabase } from '../../src/backups/database-target.js';
import { restoreBackup } from '../../src/backups/restore.js';
import { verifyBackup } from '../../src/backups/verify.js';
import { BackupClock, BackupsService } from '../../src/backups/backups.service.js';
import { BackupScheduler } from '../../src/backups/backup-scheduler.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newPractice, portalAs, signIn } from '../support/factories.js';
import { day, smallActsAnswers } from '../homework/homework-helpers.js';

const run = promisify(execFile);
const cli = (name: string) => path.resolve('apps/api/dist/apps/api/src/cli', name);
const newKey = () => crypto.randomBytes(32).toString('base64');

/** A backup's file name: its time and the newest migration of its schema. */
const BACKUP_NAME = new RegExp(`^tandem-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z-schema-${MIGRATIONS.at(-1)!.name.match(/\d{13}$/)![0]}\\.tandem-backup$`);

async function tablesIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('backups', () => {
  let t: TestApp;
  let tmp: string;
  const backupKeyText = newKey();
  const keys = new BackupKeyring([backupKey(Buffer.from(backupKeyText, 'base64'))]);
  let cipher: FieldCipher;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-backups-'));
    // A restored embedded server runs as the postgres user when the tests run as root: it must reach its folder.
    await fs.chmod(tmp, 0o755);
    t = await startTestApp({ TANDEM_BACKUP_DIR: path.join(tmp, 'backups'), TANDEM_BACKUP_KEY: backupKeyText });
    cipher = new FieldCipher(dataKey(Buffer.from(t.config.dataKeys!, 'base64')));
  });
  afterAll(async () => {
    await t.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  describe('the restore drill', () => {
    let backupFile: string;
    const noteAcks: Array<{ noteId: string; version: number; text: string }> = [];
    const submissionAcks: Array<{ submissionId: string; answers: object }> = [];
    let ackedBeforeBackup: { notes: typeof noteAcks; submissions: typeof submissionAcks };
    let auditEventsBeforeBackup: number;

    it('backs up while portal submissions and note edits are under way', async () => {
      const practice = await newPractice(t.db);
      const clinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const staff = await signIn(t, clinician);
      const notes: Array<{ id: string; version: number }> = [];
      for (let i = 0; i < 3; i++) {
        const note = await staff.post('/api/notes').send({ clientId: client.id, sessionDate: `2026-11-0${i + 1}`, format: 'free', kind: 'progress' });
        expect(note.status).toBe(201);
        notes.push({ id: note.body.id, version: note.body.version });
      }
      const assignments: string[] = [];
      for (let i = 0; i < 12; i++) {
        const a = await staff
          .post('/api/assignments')
          .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Daily.', dueOn: day(0), recurrence: 'daily', count: 2 });
        expect(a.status).toBe(201);
        assignments.push(a.body.id);
      }
      const portal = await portalAs(t, client, clinician);

      let stop = false;
      const editNotes = async () => {
        for (let i = 0; !stop; i++) {
          const note = notes[i % notes.length]!;
          const text = `Edit ${i} of ${note.id.slice(0, 8)}`;
          const res = await staff.patch(`/api/notes/${note.id}`).send({ sections: { note: text }, version: note.version });
          expect(res.status).toBe(200);
          note.version = res.body.version;
          noteAcks.push({ noteId: note.id, version: res.body.version, text });
        }
      };
      const submitHomework = async () => {
        for (const id of assignments) {
          if (stop) return;
          const submissionId = crypto.randomUUID();
          const answers = smallActsAnswers(id.charCodeAt(0) % 11, `note ${submissionId.slice(0, 6)}`);
          const res = await portal.post(`/api/portal/assignments/${id}/occurrences/1/submit`).send({ answers, submissionId });
          expect(res.status).toBe(200);
          submissionAcks.push({ submissionId, answers });
        }
      };
      const writers = Promise.all([editNotes(), submitHomework()]);
      while (noteAcks.length < 6 || submissionAcks.length < 4) await new Promise((r) => setTimeout(r, 10));

      // Everything acknowledged up to here must be in the backup.
      ackedBeforeBackup = { notes: [...noteAcks], submissions: [...submissionAcks] };
      auditEventsBeforeBackup = ((await t.db.query(`SELECT count(*)::int AS n FROM audit_event`)) as Array<{ n: number }>)[0]!.n;
      const outcome = await t.app.get(BackupsService).run('manual');
      const acksDuringBackup = noteAcks.length + submissionAcks.length - ackedBeforeBackup.notes.length - ackedBeforeBackup.submissions.length;
      stop = true;
      await writers;
      expect(outcome.outcome).toBe('ok');
      if (outcome.outcome !== 'ok') return;
      backupFile = outcome.result.file;
      // The writers kept going while the backup ran: it blocked nobody.
      expect(acksDuringBackup).toBeGreaterThan(0);
      expect(path.basename(backupFile)).toMatch(BACKUP_NAME);
      expect((await fs.stat(backupFile)).mode & 0o777).toBe(0o600);
      // Encrypted: no row text, no name, no email is readable in the file.
      const bytes = await fs.readFile(backupFile);
      expect(bytes.includes(Buffer.from(client.name))).toBe(false);
      expect(bytes.includes(Buffer.from(clinician.email))).toBe(false);
    });

    it('restores into a fresh data folder with every acknowledged write, a verifying audit chain, and readable notes and answers', async () => {
      const config = loadConfig({ TANDEM_DATA_DIR: path.join(tmp, 'fresh'), TANDEM_BACKUP_KEY: backupKeyText, TANDEM_DATA_KEY: t.config.dataKeys, LOG_LEVEL: 'silent' });
      const backup = await openBackupFile(backupFile, keys);
      await checkBackupBody(backup);
      const target = await newRestoreTarget(config, createLogger('silent'));
      const client = new pg.Client({ connectionString: target.url });
      try {
        const summary = await restoreBackup(backup, target.url);
        expect(summary.auditEvents).toBeGreaterThanOrEqual(auditEventsBeforeBackup);
        await client.connect();

        for (const ack of ackedBeforeBackup.notes) {
          const { rows } = await client.query(`SELECT practice_id, version, key_id, sections_enc FROM session_note WHERE id = $1`, [ack.noteId]);
          expect(rows[0].version).toBeGreaterThanOrEqual(ack.version);
        }
        // Each note as restored is one that was acknowledged, and it decrypts with the data key.
        const { rows: restoredNotes } = await client.query(`SELECT practice_id, id, version, key_id, sections_enc FROM session_note`);
        expect(restoredNotes).toHaveLength(3);
        for (const note of restoredNotes) {
          const text = JSON.parse(cipher.decrypt(note.sections_enc, note.key_id, aadFor('session_note', note.practice_id, note.id, 'sections'))).note;
          expect(noteAcks.find((a) => a.noteId === note.id && a.version === note.version)?.text).toBe(text);
        }
        for (const ack of ackedBeforeBackup.submissions) {
          const { rows } = await client.query(`SELECT practice_id, id, status, key_id, answers_enc FROM response WHERE submission_id = $1`, [ack.submissionId]);
          expect(rows).toHaveLength(1);
          expect(rows[0].status).toBe('submitted');
          expect(JSON.parse(cipher.decrypt(rows[0].answers_enc, rows[0].key_id, aadFor('response', rows[0].practice_id, rows[0].id, 'answers')))).toEqual(ack.answers);
        }
        expect((await client.query(`SELECT * FROM audit_verify()`)).rows).toEqual([]);
        const { rows: events } = await client.query(`SELECT count(*)::int AS n FROM audit_event`);
        expect(events[0].n).toBeGreaterThanOrEqual(auditEventsBeforeBackup);
        // Guards are back on after the restore: a signed-note or audit row cannot be changed.
        await expect(client.query(`UPDATE audit_event SET action = 'x.y'`)).rejects.toThrow(/append-only/);
      } finally {
        await client.end().catch(() => undefined);
        await target.stop();
      }
    });

    it('npm run backup:verify restores into a scratch database and checks counts, the audit chain and decryption', async () => {
      const report = await verifyBackup(await openBackupFile(backupFile, keys), t.databaseUrl, cipher);
      expect(report.ok).toBe(true);
      expect(report.auditProblems).toBe(0);
      expect(report.notes).toEqual({ checked: 3, unreadable: 0 });
      expect(report.answers.checked).toBeGreaterThanOrEqual(ackedBeforeBackup.submissions.length);
      expect(report.tables.every((r) => r.expected === r.restored)).toBe(true);
      // With another data key the notes and answers are reported unreadable.
      const other = await verifyBackup(await openBackupFile(backupFile, keys), t.databaseUrl, new FieldCipher(dataKey(crypto.randomBytes(32))));
      expect(other.ok).toBe(false);
      expect(other.lines.join('\n')).toMatch(/notes: 3 of 3 do not decrypt/);
    });

    describe('refuses a damaged or wrong-key file with a message, and restores nothing', () => {
      const env = (dataDir: string, key = backupKeyText) => ({
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TANDEM_DATA_DIR: dataDir,
        TANDEM_BACKUP_KEY: key,
        TANDEM_DATA_KEY: t.config.dataKeys!,
        LOG_LEVEL: 'silent',
      });
      const restoreCli = async (file: string, key?: string) => {
        const dataDir = path.join(tmp, `refused-${crypto.randomBytes(3).toString('hex')}`);
        const result = await run(process.execPath, [cli('restore.js'), file], { env: env(dataDir, key) }).then(
          (r) => ({ code: 0, stderr: r.stderr }),
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );
        const created = await fs.access(dataDir).then(() => true, () => false);
        return { ...result, created };
      };
      const damagedCopy = async (change: (b: Buffer) => Buffer) => {
        const file = path.join(tmp, `damaged-${crypto.randomBytes(3).toString('hex')}.tandem-backup`);
        await fs.writeFile(file, change(await fs.readFile(backupFile)));
        return file;
      };

      it.each([
        ['a truncated file', (b: Buffer) => b.subarray(0, Math.floor(b.length * 0.6)), /is incomplete.*cut short.*Nothing was restored/],
        [
          'a flipped byte',
          (b: Buffer) => {
            const copy = Buffer.from(b);
            copy[Math.floor(copy.length / 2)]! ^= 0x01;
            return copy;
          },
          /is damaged \(its checksum does not match its contents\)\. Nothing was restored/,
        ],
      ])('%s', async (_what, change, message) => {
        const file = await damagedCopy(change);
        const result = await restoreCli(file);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(result.created).toBe(false);
        // Into an empty database, too: it stays empty.
        const empty = await scratchDatabase(t.databaseUrl);
        try {
          await expect(openBackupFile(file, keys).then(async (b) => restoreBackup(b, empty.url))).rejects.toThrow(message);
          expect(await tablesIn(empty.url)).toBe(0);
        } finally {
          await empty.drop();
        }
      });

      it('a file changed on purpose, with its checksum made to match', async () => {
        const file = await damagedCopy((b) => {
          const copy = Buffer.from(b);
          copy[copy.length - 200]! ^= 0x01;
          crypto.createHash('sha256').update(copy.subarray(0, copy.length - 40)).digest().copy(copy, copy.length - 40);
          return copy;
        });
        const result = await restoreCli(file);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/is damaged \(its contents were changed after it was written: they do not authenticate with the backup key\)\. Nothing was restored/);
        expect(result.created).toBe(false);
      });

      it('a wrong backup key', async () => {
        const result = await restoreCli(backupFile, newKey());
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/was encrypted with backup key [0-9a-f]{16}, but the configured backup key is [0-9a-f]{16}\..*Nothing was restored/);
        expect(result.created).toBe(false);
      });

      it('a file that fails half-way through loading rolls back completely', async () => {
        // Well-formed and correctly encrypted, but one note points at a client that is not there.
        const real = await openBackupFile(backupFile, keys);
        const lines: string[] = [];
        for await (const line of real.lines()) lines.push(line);
        const noteAt = lines.findIndex((l) => l.startsWith('{"table":"session_note"'));
        const broken = { ...JSON.parse(lines[noteAt + 1]!), client_id: crypto.randomUUID() };
        lines[noteAt + 1] = JSON.stringify(broken);
        const dir = path.join(tmp, 'crafted');
        const { file } = await writeBackupFile(dir, { ...real.header }, keys.current, (async function* () {
          for (const l of lines) yield l + '\n';
        })());
        const crafted = await openBackupFile(file, keys);
        await checkBackupBody(crafted);
        const empty = await scratchDatabase(t.databaseUrl);
        try {
          await expect(restoreBackup(crafted, empty.url)).rejects.toThrow(/foreign key/);
          expect(await tablesIn(empty.url)).toBe(0);
        } finally {
          await empty.drop();
        }
      });
    });

    it('a backup made before a newer migration restores through it', async () => {
      // The same data as if taken before the backup_run table existed: the schema of the migrations
      // before it, with the tables and columns of every later migration taken out.
      const real = await openBackupFile(backupFile, keys);
      const before = real.header.schema.migrations.indexOf('BackupRuns1764001200000');
      expect(before).toBeGreaterThan(0);
      const olderMigrations = real.header.schema.migrations.slice(0, before);
      const shape = await scratchDatabase(t.databaseUrl);
      let columns: Map<string, Set<string>>;
      try {
        const db = new DataSource({ ...dataSourceOptions(shape.url, 1), migrations: MIGRATIONS.slice(0, before) });
        await db.initialize();
        await db.runMigrations({ transaction: 'each' });
        const rows = (await db.query(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`)) as Array<{ table_name: string; column_name: string }>;
        await db.destroy();
        columns = new Map();
        for (const r of rows) columns.set(r.table_name, (columns.get(r.table_name) ?? new Set()).add(r.column_name));
      } finally {
        await shape.drop();
      }
      const lines: string[] = [];
      let skip = 0;
      let keep: Set<string> | undefined;
      for await (const line of real.lines()) {
        if (skip > 0) {
          skip -= 1;
          if (keep) lines.push(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as Record<string, unknown>).filter(([k]) => keep!.has(k)))));
          continue;
        }
        const table = JSON.parse(line) as { table: string; rows: number };
        keep = columns.get(table.table);
        skip = table.rows;
        if (keep) lines.push(line);
      }
      const older = {
        ...real.header,
        schema: { version: olderMigrations.at(-1)!, migrations: olderMigrations },
        tables: real.header.tables.filter((t) => columns.has(t.name)),
      };
      const { file } = await writeBackupFile(path.join(tmp, 'older'), older, keys.current, (async function* () {
        for (const l of lines) yield l + '\n';
      })());
      const empty = await scratchDatabase(t.databaseUrl);
      try {
        const summary = await restoreBackup(await openBackupFile(file, keys), empty.url);
        expect(summary.migratedAfter).toEqual(MIGRATIONS.slice(before).map((m) => m.name));
        expect(await tablesIn(empty.url)).toBeGreaterThan(older.tables.length);
      } finally {
        await empty.drop();
      }
    });

    it('npm run backup and npm run backup:verify work on DATABASE_URL, and the backup shows as the last good one', async () => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: t.databaseUrl,
        TANDEM_BACKUP_KEY: backupKeyText,
        TANDEM_DATA_KEY: t.config.dataKeys!,
        TANDEM_BACKUP_DIR: path.join(tmp, 'cli'),
        LOG_LEVEL: 'silent',
      };
      const backup = await run(process.execPath, [cli('backup.js')], { env });
      const file = /Backup written: (\S+)/.exec(backup.stdout)?.[1];
      expect(file && path.dirname(file)).toBe(path.join(tmp, 'cli'));
      expect(backup.stdout).toMatch(/Encrypted with backup key [0-9a-f]{16} \(TANDEM_BACKUP_KEY\)/);
      expect(backup.stdout + backup.stderr).not.toContain(backupKeyText);
      const verify = await run(process.execPath, [cli('verify-backup.js'), file!], { env });
      expect(verify.stdout).toMatch(/audit chain: intact/);
      expect(verify.stdout).toMatch(/notes: all 3 decrypt with the data key/);
      expect(verify.stdout).toMatch(/The backup is good/);
      const status = await signIn(t, await newAdmin(t.db, await newPractice(t.db))).then((a) => a.get('/api/backups/status'));
      expect(status.body.lastSuccess.fileName).toBe(path.basename(file!));
    });

    it('refuses to restore over existing data', async () => {
      await expect(restoreBackup(await openBackupFile(backupFile, keys), t.databaseUrl)).rejects.toThrow(/target database is not empty/);
    });
  });
});

describe('scheduled backups', () => {
  let t: TestApp;
  let tmp: string;
  const backupKeyText = newKey();

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-scheduled-'));
    // The backup folder sits below a file, so it cannot be created: every backup fails until the file goes.
    await fs.writeFile(path.join(tmp, 'blocker'), 'not a folder');
    t = await startTestApp({
      TANDEM_BACKUP_SCHEDULE: 'daily',
      TANDEM_BACKUP_AT: '03:30',
      TANDEM_BACKUP_TIMEZONE: 'America/Chicago',
      TANDEM_BACKUP_DIR: path.join(tmp, 'blocker', 'backups'),
      TANDEM_BACKUP_KEY: backupKeyText,
    });
  });
  afterAll(async () => {
    await t.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('a failed scheduled backup is logged without secrets and shown to admins; the next good one clears it; two days without one warns', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const clinician = await signIn(t, await newClinician(t.db, practice));
    const scheduler = t.app.get(BackupScheduler);
    const clock = t.app.get(BackupClock);
    const at = (iso: string) => jest.spyOn(clock, 'now').mockReturnValue(new Date(iso));

    // Never backed up: the first backup is due shortly after start, not at the next 03:30.
    at('2026-11-28T12:00:00Z');
    expect((await scheduler.plan()).toISOString()).toBe('2026-11-28T12:02:00.000Z');
    expect(await scheduler.tick()).toBeUndefined();

    at('2026-11-28T12:02:00Z');
    const failed = await scheduler.tick();
    expect(failed).toEqual({ outcome: 'failed', message: expect.stringMatching(/cannot be created: part of its path is a file/) });
    const status = await admin.get('/api/backups/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      schedule: { enabled: true, at: '03:30', timeZone: 'America/Chicago', nextRunAt: '2026-11-28T13:02:00.000Z' },
      lastSuccess: null,
      lastFailure: { at: '2026-11-28T12:02:00.000Z', message: expect.stringMatching(/part of its path is a file/) },
      attention: { kind: 'backup_failed', severity: 'urgent', title: 'The last backup failed', detail: expect.stringMatching(/There is no good backup yet/) },
    });
    expect((await clinician.get('/api/backups/status')).status).toBe(403);
    const logged = t.logs().filter((l) => (l as { event?: string }).event === 'backup.failed');
    expect(logged).toHaveLength(1);
    const raw = t.rawLogs.join('\n');
    expect(raw).not.toContain(backupKeyText);
    expect(raw).not.toContain(new URL(t.databaseUrl).password || 'no-password-in-url');

    // The folder becomes writable; the retry an hour later succeeds and the alert is gone.
    await fs.rm(path.join(tmp, 'blocker'));
    at('2026-11-28T13:02:00Z');
    const good = await scheduler.tick();
    expect(good?.outcome).toBe('ok');
    const after = (await admin.get('/api/backups/status')).body;
    expect(after.attention).toBeNull();
    expect(after.lastSuccess).toMatchObject({ at: '2026-11-28T13:02:00.000Z', fileName: expect.stringMatching(BACKUP_NAME) });
    // Next: 03:30 in Chicago (CST, UTC-6) the next morning.
    expect(after.schedule.nextRunAt).toBe('2026-11-29T09:30:00.000Z');
    expect(t.logs().some((l) => (l as { event?: string }).event === 'backup.done')).toBe(true);

    // Tandem was not running for three days: admins are told.
    at('2026-12-01T14:00:00Z');
    const late = (await admin.get('/api/backups/status')).body;
    expect(late.attention).toMatchObject({ kind: 'backup_overdue', severity: 'warning', since: '2026-11-30T13:02:00.000Z' });
    // On the next start, the missed backup is made shortly after start.
    expect((await scheduler.plan()).toISOString()).toBe('2026-12-01T14:02:00.000Z');
  });
});
