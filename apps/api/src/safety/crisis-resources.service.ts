import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEFAULT_CRISIS_RESOURCES, type CrisisResources } from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import type { SqlRunner } from '../common/sql.js';
import type { SetCrisisResourcesDto } from './dto/safety.dto.js';

/** A practice's emergency number and crisis lines, which the portal shows on every exercise page. */
@Injectable()
export class CrisisResourcesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
  ) {}

  /** For the portal and for staff: what this practice's clients are shown. */
  async forPractice(practiceId: string, runner: SqlRunner = this.db): Promise<CrisisResources> {
    const [row] = (await runner.query(`SELECT crisis_resources FROM practice WHERE id = $1`, [practiceId])) as Array<{
      crisis_resources: Omit<CrisisResources, 'isDefault'> | null;
    }>;
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
    return this.writes.transaction(actor, async (tx, audit) => {
      await tx.query(`UPDATE practice SET crisis_resources = $2 WHERE id = $1`, [actor.practiceId, JSON.stringify(value)]);
      await audit.record({ action: 'practice.crisis_resources_set', recordType: 'practice', recordId: actor.practiceId, detail: { lines: value.lines.length } });
      return this.forPractice(actor.practiceId, tx);
    });
  }
}
