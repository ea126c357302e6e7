import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { CaseloadsService } from './caseloads.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('caseloads')
@Controller('caseloads')
export class CaseloadsController {
  constructor(@Inject(CaseloadsService) private readonly caseloads: CaseloadsService) {}

  @Get()
  @Allow('admin')
  @Returns('CaseloadBoard')
  board(@CurrentActor() actor: StaffActor) {
    return this.caseloads.board(actor);
  }
}
