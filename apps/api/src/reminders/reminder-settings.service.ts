import { Inject, Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import type { DigestSetting, ReminderSettings } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import type { Client } from '../db/schema.js';

const SETTINGS = ['reminders_enabled', 'reminder_hour', 'email_opted_out_at'] as const;
type SettingsRow = Pick<Selectable<Client>, (typeof SETTINGS)[number]>;

const toSettings = (r: SettingsRow): ReminderSettings => ({
  enabled: r.reminders_enabled,
  hour: r.reminder_hour,
  emailOptedOutAt: r.email_opted_out_at?.toISOString() ?? null,
});

/** A client's homework reminders (on or off, preferred hour) and a clinician's daily digest. */
@Injectable()
export class ReminderSettingsService {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async get(actor: StaffActor, clientId: string): Promise<ReminderSettings> {
    await this.access.client(actor, clientId, 'details.read');
    const row = await this.kdb.selectFrom('client').select(SETTINGS).where('practice_id', '=', actor.practiceId).where('id', '=', clientId).executeTakeFirstOrThrow();
    return toSettings(row);
  }

  async set(actor: StaffActor, clientId: string, enabled: boolean, hour: number): Promise<ReminderSettings> {
    await this.access.client(actor, clientId, 'details.edit');
    return this.writes.transaction(actor, async (_tx, audit, db) => {
      const row = await db
        .updateTable('client')
        .set({ reminders_enabled: enabled, reminder_hour: hour, updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', clientId)
        .returning(SETTINGS)
        .executeTakeFirstOrThrow();
      await audit.record({ action: 'client.reminders_set', recordType: 'client', recordId: clientId, subjectId: clientId, detail: { enabled, hour } });
      return toSettings(row);
    });
  }

  async digest(actor: StaffActor): Promise<DigestSetting> {
    const row = await this.kdb.selectFrom('staff_user').select('digest_enabled').where('practice_id', '=', actor.practiceId).where('id', '=', actor.userId).executeTakeFirstOrThrow();
    return { enabled: row.digest_enabled };
  }

  async setDigest(actor: StaffActor, enabled: boolean): Promise<DigestSetting> {
    return this.writes.transaction(actor, async (_tx, audit, db) => {
      await db.updateTable('staff_user').set({ digest_enabled: enabled, updated_at: sql`now()` }).where('practice_id', '=', actor.practiceId).where('id', '=', actor.userId).execute();
      await audit.record({ action: 'staff.digest_set', recordType: 'staff_user', recordId: actor.userId, detail: { enabled } });
      return { enabled };
    });
  }
}
