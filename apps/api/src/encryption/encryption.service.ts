import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { kyselyOn } from '../db/kysely.js';
import { DecryptionError, FieldCipher } from './field-cipher.js';
import { KeyConfigError } from './keyring.js';

export const FIELD_CIPHER = Symbol('FIELD_CIPHER');
const CHECK_PLAINTEXT = 'tandem data key check';
const CHECK_AAD = 'tandem:data_key_check';

/**
 * Guards the keys at start: every key the database has used must be
 * configured, and the current one must decrypt its own check value. Otherwise
 * Tandem stops rather than write anything it could not read back.
 */
@Injectable()
export class EncryptionService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(FIELD_CIPHER) readonly cipher: FieldCipher,
  ) {}

  async onModuleInit(): Promise<void> {
    await assertKeysMatchDatabase(this.db, this.cipher);
  }
}

export async function assertKeysMatchDatabase(runner: DataSource | EntityManager, cipher: FieldCipher): Promise<void> {
  const db = kyselyOn(runner);
  const rows = await db.selectFrom('data_key_check').select(['key_id', 'ciphertext']).execute();
  const unknown = rows.filter((r) => !cipher.knows(r.key_id)).map((r) => r.key_id);
  if (unknown.length > 0) {
    throw new KeyConfigError(
      `This database holds data encrypted with data key ${unknown.join(', ')}, which is not configured ` +
        `(configured: ${cipher.currentKeyId}). Start Tandem with the right key file or TANDEM_DATA_KEY.`,
    );
  }
  for (const row of rows) {
    try {
      if (cipher.decrypt(row.ciphertext, row.key_id, CHECK_AAD) !== CHECK_PLAINTEXT) throw new DecryptionError('mismatch');
    } catch {
      throw new KeyConfigError(`Data key ${row.key_id} does not decrypt this database's check value: the key is wrong.`);
    }
  }
  if (!rows.some((r) => r.key_id === cipher.currentKeyId)) {
    const { ciphertext } = cipher.encrypt(CHECK_PLAINTEXT, CHECK_AAD);
    await db
      .insertInto('data_key_check')
      .values({ key_id: cipher.currentKeyId, ciphertext })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
