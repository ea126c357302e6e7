import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DigestSetting, ReminderSettings } from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';

interface SettingsRow {
  reminders_enabled: boolean;
  reminder_hour: number;
  email_opted_out_at: Date | null;
}

const toSettings = (r: SettingsRow): ReminderSettings => ({
  enabled: r.reminders_enabled,
  hour: r.reminder_hour,
  emailOptedOutAt: r.email_opted_out_at?.toISOString() ?? null,
});

/** A client's homework reminders (on or off, preferred hour) and a clinician's daily digest. */
@Injectable()
export class ReminderSettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
  ) {}

  async get(actor: StaffActor, clientId: string): Promise<ReminderSettings> {
    await this.access.client(actor, clientId, 'details.read');
    const [row] = (await this.db.query(`SELECT reminders_enabled, reminder_hour, email_opted_out_at FROM client WHERE practice_id = $1 AND id = $2`, [
      actor.practiceId,
      clientId,
    ])) as SettingsRow[];
    return toSettings(row!);
  }

  async set(actor: StaffActor, clientId: string, enabled: boolean, hour: number): Promise<ReminderSettings> {
    await this.access.client(actor, clientId, 'details.edit');
    return this.writes.transaction(actor, async (tx, audit) => {
      const [rows] = (await tx.query(
        `UPDATE client SET reminders_enabled = $3, reminder_hour = $4, updated_at = now() WHERE practice_id = $1 AND id = $2
         RETURNING reminders_enabled, reminder_hour, email_opted_out_at`,
        [actor.practiceId, clientId, enabled, hour],
      )) as [SettingsRow[], number];
      await audit.record({ action: 'client.reminders_set', recordType: 'client', recordId: clientId, subjectId: clientId, detail: { enabled, hour } });
      return toSettings(rows[0]!);
    });
  }

  async digest(actor: StaffActor): Promise<DigestSetting> {
    const [row] = (await this.db.query(`SELECT digest_enabled FROM staff_user WHERE practice_id = $1 AND id = $2`, [actor.practiceId, actor.userId])) as Array<{
      digest_enabled: boolean;
    }>;
    return { enabled: row!.digest_enabled };
  }

  async setDigest(actor: StaffActor, enabled: boolean): Promise<DigestSetting> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await tx.query(`UPDATE staff_user SET digest_enabled = $3, updated_at = now() WHERE practice_id = $1 AND id = $2`, [actor.practiceId, actor.userId, enabled]);
      await audit.record({ action: 'staff.digest_set', recordType: 'staff_user', recordId: actor.userId, detail: { enabled } });
      return { enabled };
    });
  }
}
