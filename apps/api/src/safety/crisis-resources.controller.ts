import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { CrisisResourcesService } from './crisis-resources.service.js';
import { SetCrisisResourcesDto } from './dto/safety.dto.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('safety')
@Controller('practice/crisis-resources')
@Allow('staff')
export class CrisisResourcesController {
  constructor(@Inject(CrisisResourcesService) private readonly resources: CrisisResourcesService) {}

  @Get()
  @Returns('CrisisResources')
  get(@CurrentActor() actor: StaffActor) {
    return this.resources.get(actor);
  }

  @Put()
  @Allow('admin')
  @Returns('CrisisResources')
  set(@CurrentActor() actor: StaffActor, @Body() dto: SetCrisisResourcesDto) {
    return this.resources.set(actor, dto);
  }
}
