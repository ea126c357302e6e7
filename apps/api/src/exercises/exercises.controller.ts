import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { VersionParamPipe } from '../common/path-params.js';
import { CreateExerciseDto, ListExercisesQuery, UpdateExerciseDto } from './dto/exercise.dto.js';
import { ExerciseIdPipe } from './exercise-id.pipe.js';
import { ExercisesService } from './exercises.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('exercises')
@Controller('exercises')
@Allow('staff')
export class ExercisesController {
  constructor(@Inject(ExercisesService) private readonly exercises: ExercisesService) {}

  @Get()
  @Returns('LibraryItemPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListExercisesQuery) {
    return this.exercises.list(actor, query);
  }

  @Post()
  @Allow('clinician')
  @Returns('LibraryItemDetail')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateExerciseDto) {
    return this.exercises.create(actor, dto);
  }

  @Get(':id')
  @Returns('LibraryItemDetail')
  get(@CurrentActor() actor: StaffActor, @Param('id', ExerciseIdPipe) id: string) {
    return this.exercises.get(actor, id);
  }

  @Get(':id/versions/:version')
  @Returns('LibraryItemDetail')
  version(
    @CurrentActor() actor: StaffActor,
    @Param('id', ExerciseIdPipe) id: string,
    @Param('version', VersionParamPipe) version: number,
  ) {
    return this.exercises.get(actor, id, version);
  }

  @Put(':id')
  @Returns('LibraryItemDetail')
  update(@CurrentActor() actor: StaffActor, @Param('id', ExerciseIdPipe) id: string, @Body() dto: UpdateExerciseDto) {
    return this.exercises.update(actor, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Returns('LibraryItemDetail')
  archive(@CurrentActor() actor: StaffActor, @Param('id', ExerciseIdPipe) id: string) {
    return this.exercises.setArchived(actor, id, true);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @Returns('LibraryItemDetail')
  restore(@CurrentActor() actor: StaffActor, @Param('id', ExerciseIdPipe) id: string) {
    return this.exercises.setArchived(actor, id, false);
  }
}
