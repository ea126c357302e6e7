import crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { BackupKey, BackupKeyring } from './backup-keys.js';

/**
 * A Tandem backup file:
 *
 *   "TNDMBKP1" | header length (uint32 BE) | header (JSON, plain text)
 *   | body: gzip of JSON lines, AES-256-GCM encrypted under the backup key, the bytes above as associated data
 *   | GCM tag (16) | SHA-256 of everything before it (32) | "TNDMEND1"
 *
 * The header names the time, the schema version and the backup key's id, so
 * a wrong key is told apart from a damaged file before anything is decrypted.
 * The checksum catches damage anywhere; the GCM tag proves the body was made
 * with this key and not changed since.
 */
const MAGIC = Buffer.from('TNDMBKP1');
const END = Buffer.from('TNDMEND1');
const TAG_BYTES = 16;
const SUM_BYTES = 32;
const TRAILER_BYTES = TAG_BYTES + SUM_BYTES + END.length;
const MAX_HEADER_BYTES = 1 << 20;

export interface BackupHeader {
  format: 1;
  createdAt: string;
  /** The newest migration applied to the backed-up database, and every one applied, oldest first. */
  schema: { version: string; migrations: string[] };
  /** Rows per table, counted in the same snapshot as the rows themselves. */
  tables: Array<{ name: string; rows: number }>;
  /** Ids of the data keys the notes and answers in it are encrypted with (needed to read them after a restore). */
  dataKeyIds: string[];
  postgres: string;
  backupKeyId: string;
  cipher: 'aes-256-gcm';
  iv: string;
  compression: 'gzip';
}

/** A line of the body: a table starts, a row of it, or the end. */
export type BodyLine = { table: string; rows: number } | { end: true };

export class BackupFileError extends Error {}

/** `tandem-2026-11-28T03-30-00Z-schema-1764000600000.tandem-backup`: the time (UTC) and the schema version, sortable by name. */
export function backupFileName(createdAt: Date, schemaVersion: string): string {
  const stamp = createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  const timestamp = schemaVersion.slice(-13);
  return `tandem-${stamp}-schema-${timestamp}.tandem-backup`;
}

const NAME = /^tandem-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)-schema-(\d{13})(?:-\d+)?\.tandem-backup$/;

/** The time a backup file's name gives, or undefined for a file that is not a Tandem backup. */
export function timeOfBackupFile(name: string): Date | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [date, time] = match[1]!.split('T');
  const when = new Date(`${date}T${time!.replace(/-/g, ':')}`);
  return Number.isNaN(when.getTime()) ? undefined : when;
}

/**
 * Writes a backup file: `lines` is the body (already JSON text, one line each).
 * It is written under a temporary name and renamed when complete, so a file
 * with a backup's name is always whole.
 */
export async function writeBackupFile(
  dir: string,
  header: Omit<BackupHeader, 'backupKeyId' | 'cipher' | 'iv' | 'compression' | 'format'>,
  key: BackupKey,
  lines: AsyncIterable<string>,
): Promise<{ file: string; bytes: number; sha256: string }> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const iv = crypto.randomBytes(12);
  const full: BackupHeader = { format: 1, ...header, backupKeyId: key.id, cipher: 'aes-256-gcm', iv: iv.toString('base64'), compression: 'gzip' };
  const headerBytes = Buffer.from(JSON.stringify(full), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const prefix = Buffer.concat([MAGIC, length, headerBytes]);

  let name = backupFileName(new Date(header.createdAt), header.schema.version);
  for (let n = 2; await fs.access(path.join(dir, name)).then(() => true, () => false); n++) {
    name = backupFileName(new Date(header.createdAt), header.schema.version).replace('.tandem-backup', `-${n}.tandem-backup`);
  }
  const file = path.join(dir, name);
  const temp = path.join(dir, `.${name}.${process.pid}.partial`);
  const handle = await fs.open(temp, 'wx', 0o600);
  const sum = crypto.createHash('sha256');
  let bytes = 0;
  const write = async (chunk: Buffer) => {
    sum.update(chunk);
    bytes += chunk.length;
    await handle.write(chunk);
  };
  try {
    await write(prefix);
    const cipher = crypto.createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(prefix);
    await pipeline(
      Readable.from(lines),
      zlib.createGzip({ level: 6 }),
      cipher,
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) await write(chunk);
      },
    );
    await write(cipher.getAuthTag());
    const digest = sum.digest();
    await handle.write(Buffer.concat([digest, END]));
    bytes += SUM_BYTES + END.length;
    await handle.sync();
    await handle.close();
    await fs.rename(temp, file);
    return { file, bytes, sha256: digest.toString('hex') };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** An opened backup: its header, checked; the body is read by `lines()`. */
export interface OpenedBackup {
  file: string;
  header: BackupHeader;
  /** Decrypts and yields the body's lines; throws at the end if the body was not made with this key or was changed. */
  lines(): AsyncGenerator<string>;
}

const damaged = (file: string, why: string) =>
  new BackupFileError(`${path.basename(file)} is damaged (${why}). Nothing was restored. Use another backup file.`);

/**
 * Opens a backup file and checks everything that can be checked without the
 * body's plain text: complete, checksum intact, made with one of our keys.
 */
export async function openBackupFile(file: string, keys: BackupKeyring): Promise<OpenedBackup> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new BackupFileError(`${file} does not exist or is not a file.`);
  const handle = await fs.open(file, 'r');
  let header: BackupHeader;
  let bodyStart: number;
  let bodyEnd: number;
  try {
    const read = async (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    };
    const start = await read(0, MAGIC.length + 4);
    if (start.length < MAGIC.length + 4 || !start.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new BackupFileError(`${path.basename(file)} is not a Tandem backup file (or its first bytes are damaged). Nothing was restored.`);
    }
    const headerLength = start.readUInt32BE(MAGIC.length);
    bodyStart = MAGIC.length + 4 + headerLength;
    bodyEnd = stat.size - TRAILER_BYTES;
    if (headerLength > MAX_HEADER_BYTES) throw damaged(file, 'its header length is impossible');
    if (bodyEnd < bodyStart) {
      throw new BackupFileError(`${path.basename(file)} is incomplete: it was cut short (${stat.size} bytes). Nothing was restored. Use another backup file.`);
    }
    const end = await read(stat.size - END.length, END.length);
    if (!end.equals(END)) {
      throw new BackupFileError(
        `${path.basename(file)} is incomplete or damaged: its end marker is missing, so it was probably cut short. Nothing was restored. Use another backup file.`,
      );
    }
    const stored = await read(stat.size - END.length - SUM_BYTES, SUM_BYTES);
    const sum = crypto.createHash('sha256');
    for await (const chunk of createReadStream(file, { start: 0, end: stat.size - END.length - SUM_BYTES - 1 })) sum.update(chunk as Buffer);
    if (!sum.digest().equals(stored)) throw damaged(file, 'its checksum does not match its contents');
    try {
      header = JSON.parse((await read(MAGIC.length + 4, headerLength)).toString('utf8')) as BackupHeader;
    } catch {
      throw damaged(file, 'its header cannot be read');
    }
    if (header.format !== 1 || header.cipher !== 'aes-256-gcm') {
      throw new BackupFileError(`${path.basename(file)} was written by a newer Tandem (format ${String(header.format)}). Update Tandem to restore it.`);
    }
  } finally {
    await handle.close();
  }
  const key = keys.byId(header.backupKeyId);
  if (!key) {
    throw new BackupFileError(
      `${path.basename(file)} was encrypted with backup key ${header.backupKeyId}, but the configured backup key is ${keys.current.id}` +
        `${keys.keys.length > 1 ? ` (and ${keys.keys.slice(1).map((k) => k.id).join(', ')})` : ''}. ` +
        'Set TANDEM_BACKUP_KEY or TANDEM_BACKUP_KEY_FILE to the key that was in use when the backup was made. Nothing was restored.',
    );
  }
  const prefixEnd = bodyStart;
  return {
    file,
    header,
    async *lines() {
      const prefix = Buffer.alloc(prefixEnd);
      const tag = Buffer.alloc(TAG_BYTES);
      const handle2 = await fs.open(file, 'r');
      try {
        await handle2.read(prefix, 0, prefixEnd, 0);
        await handle2.read(tag, 0, TAG_BYTES, bodyEnd);
      } finally {
        await handle2.close();
      }
      const decipher = crypto.createDecipheriv('aes-256-gcm', key.key, Buffer.from(header.iv, 'base64'));
      decipher.setAAD(prefix);
      decipher.setAuthTag(tag);
      const body = createReadStream(file, { start: bodyStart, end: bodyEnd - 1 });
      const gunzip = zlib.createGunzip();
      const failed: { error?: unknown } = {};
      // Every stream has a listener, so a reader that stops early (a failed restore) leaves no unhandled error behind.
      body.on('error', (e) => gunzip.destroy(e));
      decipher.on('error', (e) => {
        failed.error = e;
        gunzip.destroy(e);
      });
      gunzip.on('error', () => undefined);
      body.pipe(decipher).pipe(gunzip);
      try {
        yield* splitLines(gunzip);
        await finished(decipher);
      } catch {
        // The checksum matched and the key is the right one: the encrypted contents were changed and the checksum made to fit.
        throw damaged(file, 'its contents were changed after it was written: they do not authenticate with the backup key');
      } finally {
        body.destroy();
        decipher.destroy();
        gunzip.destroy();
      }
      if (failed.error) throw damaged(file, 'its contents were changed after it was written: they do not authenticate with the backup key');
    },
  };
}

/**
 * Reads the whole body once, checking the GCM tag and that every table holds
 * the rows its header promises; nothing is written anywhere. Restore runs this
 * before it creates anything.
 */
export async function checkBackupBody(backup: OpenedBackup): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let current: string | undefined;
  let expected = 0;
  let ended = false;
  for await (const line of backup.lines()) {
    if (ended) throw damaged(backup.file, 'it has content after its end');
    if (current !== undefined && expected > 0) {
      expected -= 1;
      counts.set(current, (counts.get(current) ?? 0) + 1);
      continue;
    }
    const entry = JSON.parse(line) as BodyLine;
    if ('end' in entry) ended = true;
    else {
      current = entry.table;
      expected = entry.rows;
      counts.set(current, 0);
    }
  }
  if (!ended || expected > 0) throw damaged(backup.file, 'its contents end early');
  for (const t of backup.header.tables) {
    if (counts.get(t.name) !== t.rows) throw damaged(backup.file, `table ${t.name} holds ${counts.get(t.name) ?? 0} rows, not ${t.rows}`);
  }
  return counts;
}

async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let rest = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    rest = parts.pop()!;
    yield* parts;
  }
  rest += decoder.decode();
  if (rest) yield rest;
}
