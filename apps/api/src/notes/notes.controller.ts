import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/allow.decorator.js';
import { CurrentActor } from '../access/actor.decorator.js';
import type { StaffActor } from '../access/actor.js';
import { RecordIdPipe } from '../common/path-params.js';
import { CreateNoteDto, ListNotesQuery, SignNoteDto, UpdateNoteDto } from './dto/note.dto.js';
import { NotesService } from './notes.service.js';
import { Returns } from '../openapi/returns.decorator.js';

@ApiTags('notes')
@Controller('notes')
@Allow('clinician')
export class NotesController {
  constructor(@Inject(NotesService) private readonly notes: NotesService) {}

  @Get()
  @Allow('staff')
  @Returns('NoteSummaryPage')
  list(@CurrentActor() actor: StaffActor, @Query() query: ListNotesQuery) {
    return this.notes.list(actor, query);
  }

  @Post()
  @Returns('NoteDetail')
  create(@CurrentActor() actor: StaffActor, @Body() dto: CreateNoteDto) {
    return this.notes.create(actor, dto);
  }

  @Get(':id')
  @Allow('staff')
  @Returns('NoteDetail')
  get(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.notes.get(actor, id);
  }

  @Patch(':id')
  @Returns('NoteDetail')
  update(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: UpdateNoteDto) {
    return this.notes.update(actor, id, dto);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @Returns('NoteDetail')
  sign(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string, @Body() dto: SignNoteDto) {
    return this.notes.sign(actor, id, dto);
  }

  @Post(':id/addenda')
  @Returns('NoteDetail')
  addAddendum(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.notes.addAddendum(actor, id);
  }

  @Delete(':id')
  @HttpCode(204)
  discard(@CurrentActor() actor: StaffActor, @Param('id', RecordIdPipe) id: string) {
    return this.notes.discard(actor, id);
  }
}
