import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_CRISIS_RESOURCES, type CrisisResources } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { InjectKysely, type Db } from '../db/kysely.js';
import type { SetCrisisResourcesDto } from './dto/safety.dto.js';

/** A practice's emergency number and crisis lines, which the portal shows on every exercise page. */
@Injectable()
export class CrisisResourcesService {
  constructor(

    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  /** For the portal and for staff: what this practice's clients are shown. */
  async forPractice(practiceId: string, db: Db = this.kdb): Promise<CrisisResources> {
    const row = await db
      .selectFrom('practice')
      .select((eb) => eb.ref('crisis_resources').$castTo<Omit<CrisisResources, 'isDefault'> | null>().as('crisis_resources'))
      .where('id', '=', practiceId)
      .executeTakeFirst();
    return row?.crisis_resources ? { ...row.crisis_resources, isDefault: false } : { ...DEFAULT_CRISIS_RESOURCES, isDefault: true };
  }

  async get(actor: StaffActor): Promise<CrisisResources> {
    return this.forPractice(actor.practiceId);
  }

  async set(actor: StaffActor, dto: SetCrisisResourcesDto): Promise<CrisisResources> {
    const value = {
      emergencyNumber: dto.emergencyNumber,
      lines: dto.lines.map((l) => ({ label: l.label.trim(), phone: l.phone, call: l.call, text: l.text, ...(l.textBody?.trim() ? { textBody: l.textBody.trim() } : {}) })),
    };
    return this.writes.transaction(actor, async (_tx, audit, db) => {
      await db.updateTable('practice').set({ crisis_resources: JSON.stringify(value) }).where('id', '=', actor.practiceId).execute();
      await audit.record({ action: 'practice.crisis_resources_set', recordType: 'practice', recordId: actor.practiceId, detail: { lines: value.lines.length } });
      return this.forPractice(actor.practiceId, db);
    });
  }
}
