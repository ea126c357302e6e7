import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BackupConfig } from '../config/config.js';
import type { FieldCipher } from '../encryption/field-cipher.js';

/** A 32-byte backup key and its id (first 16 hex of its SHA-256, like data keys): the id is written in each backup's header. */
export interface BackupKey {
  id: string;
  key: Buffer;
}

export class BackupKeyError extends Error {}

export function backupKey(raw: Buffer): BackupKey {
  if (raw.length !== 32) throw new BackupKeyError('a backup key must be base64 of exactly 32 bytes');
  return { id: crypto.createHash('sha256').update(raw).digest('hex').slice(0, 16), key: raw };
}

function parse(text: string, where: string): BackupKey {
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32) throw new BackupKeyError(`${where}: a backup key must be base64 of exactly 32 bytes`);
  return backupKey(raw);
}

/** Backup keys, current first: the current one encrypts new backups, any of them opens an older one. */
export class BackupKeyring {
  constructor(readonly keys: BackupKey[]) {
    if (keys.length === 0) throw new BackupKeyError('no backup key');
  }

  get current(): BackupKey {
    return this.keys[0]!;
  }

  byId(id: string): BackupKey | undefined {
    return this.keys.find((k) => k.id === id);
  }
}

const HOW_TO =
  'Set TANDEM_BACKUP_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or TANDEM_BACKUP_KEY_FILE (a file holding such a key), ' +
  'and keep a copy of it away from the backups.';

/**
 * Loads the backup keys from TANDEM_BACKUP_KEY or the key file. With the
 * embedded database and no key configured, a key file is created (mode 0600)
 * beside the data key, outside the backup folder.
 */
export async function loadBackupKeys(config: BackupConfig, options: { create?: boolean } = {}): Promise<BackupKeyring> {
  if (config.keys) return new BackupKeyring(config.keys.split(',').map((k, i) => parse(k, `TANDEM_BACKUP_KEY key ${i + 1}`)));
  if (!config.keyFile) throw new BackupKeyError(`No backup key is configured. ${HOW_TO}`);
  const text = await fs.readFile(config.keyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new BackupKeyError(`The backup key file ${config.keyFile} cannot be read: ${error.message}`);
  });
  if (text === undefined) {
    if (!(config.createKeyFile && options.create)) {
      throw new BackupKeyError(
        `The backup key file ${config.keyFile} does not exist. Copy your saved backup key file there, or point TANDEM_BACKUP_KEY_FILE (or TANDEM_BACKUP_KEY) at the key.`,
      );
    }
    const fresh = backupKey(crypto.randomBytes(32));
    await fs.mkdir(path.dirname(config.keyFile), { recursive: true, mode: 0o700 });
    await fs.writeFile(config.keyFile, fresh.key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return new BackupKeyring([fresh]);
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) throw new BackupKeyError(`The backup key file ${config.keyFile} holds no key. ${HOW_TO}`);
  return new BackupKeyring(lines.map((l, i) => parse(l, `${config.keyFile} key ${i + 1}`)));
}

/** A backup key must not be a data key: whoever holds a backup and its key must still not read notes and answers. */
export function assertNotADataKey(keys: BackupKeyring, cipher: FieldCipher | undefined): void {
  if (cipher && keys.keys.some((k) => cipher.knows(k.id))) {
    throw new BackupKeyError('The backup key is one of the data keys. Give backups a key of their own.');
  }
}
