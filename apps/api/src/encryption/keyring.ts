import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { dataKey, FieldCipher, type DataKey } from './field-cipher.js';

export class KeyConfigError extends Error {}

interface KeyFile {
  /** Base64 keys, newest (current) first. */
  keys: string[];
}

function parseKey(text: string, where: string): DataKey {
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32) throw new KeyConfigError(`${where}: each key must be base64 of exactly 32 bytes`);
  return dataKey(raw);
}

export async function readKeyFile(file: string): Promise<DataKey[]> {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8')) as KeyFile;
  } catch (error) {
    throw new KeyConfigError(`The data key file ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new KeyConfigError(`The data key file ${file} lists no keys`);
  return parsed.keys.map((k, i) => parseKey(String(k), `${file} key ${i + 1}`));
}

export async function writeKeyFile(file: string, keys: DataKey[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, JSON.stringify({ keys: keys.map((k) => k.key.toString('base64')) }, null, 2) + '\n', { mode: 0o600 });
  await fs.rename(temp, file);
}

export function newDataKey(): DataKey {
  return dataKey(crypto.randomBytes(32));
}

export interface KeySource {
  /** TANDEM_DATA_KEY: base64 keys separated by commas, current first. */
  env?: string;
  /** TANDEM_DATA_KEY_FILE, or the default file of the embedded database. */
  file?: string;
  /** Create the file with a fresh key when it does not exist (embedded database only). */
  createIfMissing: boolean;
}

/** Loads the data keys; a missing or unusable key stops start-up with a message that says what to do. */
export async function loadCipher(source: KeySource): Promise<FieldCipher> {
  let keys: DataKey[];
  if (source.env) {
    keys = source.env.split(',').map((k, i) => parseKey(k, `TANDEM_DATA_KEY key ${i + 1}`));
  } else if (source.file) {
    const exists = await fs.access(source.file).then(
      () => true,
      () => false,
    );
    if (!exists && source.createIfMissing) {
      keys = [newDataKey()];
      await writeKeyFile(source.file, keys);
    } else if (!exists) {
      throw new KeyConfigError(`The data key file ${source.file} does not exist. Restore it from your backup, or set TANDEM_DATA_KEY.`);
    } else {
      keys = await readKeyFile(source.file);
    }
  } else {
    throw new KeyConfigError(
      'No data key: set TANDEM_DATA_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or TANDEM_DATA_KEY_FILE. ' +
        'Notes and answers are encrypted with it, and Tandem never stores them in plain text.',
    );
  }
  return new FieldCipher(keys[0]!, keys.slice(1));
}
