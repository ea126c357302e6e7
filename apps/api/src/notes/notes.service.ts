import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import {
  EARLIEST_SESSION_DATE,
  NOTE_SECTION_MAX_LENGTH,
  NOTE_TEMPLATES,
  type NoteDetail,
  type NoteFormat,
  type NoteKind,
  type NoteSummary,
  type Page,
} from '@tandem/shared';
import { AccessService } from '../access/access.service.js';
import { noteMay, notesListed } from '../access/rules.js';
import type { StaffActor } from '../access/actor.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { practiceToday } from '../practices/practice-today.js';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, keysetForm, type KeysetForm, type KeysetSlots, type KeysetSpec } from '../db/keyset.js';
import { compiledPerForm, type Slots } from '../db/compiled-once.js';
import type { SqlRunner } from '../common/sql.js';
import { requireOneSubject, subjectOf } from '../common/subject-ref.dto.js';
import { aadFor, FieldCipher } from '../encryption/field-cipher.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import type { CreateNoteDto, ListNotesQuery, SignNoteDto, UpdateNoteDto } from './dto/note.dto.js';

/** A note as a single read gives it, content included (selectNotes). */
type NoteRow = Awaited<ReturnType<ReturnType<typeof selectNotes>['executeTakeFirstOrThrow']>>;
/** A note as a list gives it: everything but its content (selectNoteSummaries). */
type NoteSummaryRow = Awaited<ReturnType<ReturnType<typeof selectNoteSummaries>['executeTakeFirstOrThrow']>>;

/** A note with its subject's and authors' names and its count of addenda, without its content. */
const selectNoteSummaries = (db: Db) =>
  db
    .selectFrom('session_note as n')
    .innerJoin('staff_user as au', (j) => j.onRef('au.practice_id', '=', 'n.practice_id').onRef('au.id', '=', 'n.author_id'))
    .leftJoin('staff_user as sb', (j) => j.onRef('sb.practice_id', '=', 'n.practice_id').onRef('sb.id', '=', 'n.signed_by'))
    .leftJoin('client as cl', (j) => j.onRef('cl.practice_id', '=', 'n.practice_id').onRef('cl.id', '=', 'n.client_id'))
    .leftJoin('couple as cp', (j) => j.onRef('cp.practice_id', '=', 'n.practice_id').onRef('cp.id', '=', 'n.couple_id'))
    .select((eb) => [
      'n.id',
      'n.practice_id',
      'n.client_id',
      'n.couple_id',
      sql<string>`COALESCE(cl.name, cp.display_name)`.as('subject_name'),
      'n.author_id',
      'au.name as author_name',
      sql<string>`to_char(n.session_date, 'YYYY-MM-DD')`.as('session_date'),
      eb.ref('n.format').$castTo<NoteFormat>().as('format'),
      eb.ref('n.kind').$castTo<NoteKind>().as('kind'),
      eb.ref('n.status').$castTo<'draft' | 'signed'>().as('status'),
      'n.addendum_of',
      'n.version',
      'n.signed_at',
      'n.signed_by',
      'sb.name as signed_by_name',
      'n.created_at',
      'n.updated_at',
      sql<number>`(SELECT count(*) FROM session_note a WHERE a.practice_id = n.practice_id AND a.addendum_of = n.id)::int`.as('addenda_count'),
    ]);

/** A note with its encrypted content, for the reads that open it. */
const selectNotes = (db: Db) => selectNoteSummaries(db).select(['n.key_id', 'n.sections_enc']);

const NOTES_BY_SESSION = (practiceId: string, subjectId: string): KeysetSpec<{ session_date: string; id: string }> => ({
  scope: { list: 'notes', practiceId, within: subjectId },
  direction: 'desc',
  keys: [
    { by: 'n.session_date', part: 'date', of: (r) => r.session_date },
    { by: 'n.id', part: 'uuid', of: (r) => r.id },
  ],
});

const AUTHOR = { read: true, edit: true };

function toSummary(row: NoteSummaryRow): NoteSummary {
  return {
    id: row.id,
    subject: row.client_id ? { kind: 'client', id: row.client_id, name: row.subject_name } : { kind: 'couple', id: row.couple_id!, name: row.subject_name },
    sessionDate: row.session_date,
    format: row.format,
    kind: row.kind,
    status: row.status,
    author: { id: row.author_id, name: row.author_name },
    signedAt: row.signed_at?.toISOString() ?? null,
    addendumOf: row.addendum_of,
    addendaCount: row.addenda_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/** A client's or couple's notes, a page at a time (compiled per form: who is asking, and whether after a cursor). */
const notesPage = compiledPerForm(
  (db, p: Slots<{ practiceId: string; subjectId: string; me: string } & KeysetSlots>, form: `${'client' | 'couple'}:${ReturnType<typeof notesListed>}:${KeysetForm}`) => {
    const [kind, listed, page] = form.split(':') as ['client' | 'couple', ReturnType<typeof notesListed>, KeysetForm];
    let q = selectNoteSummaries(db)
      .where('n.practice_id', '=', p.practiceId)
      .where(kind === 'client' ? 'n.client_id' : 'n.couple_id', '=', p.subjectId)
      .where('n.addendum_of', 'is', null);
    if (listed === 'progress-and-own') q = q.where((eb) => eb.or([eb('n.kind', '=', sql.lit('progress')), eb('n.author_id', '=', p.me)]));
    return keysetForm(q, NOTES_BY_SESSION('', ''), p, page);
  },
);

/**
 * Session notes. Progress notes are read by the care team; psychotherapy
 * notes by their author only; admins see that a note exists (date, author,
 * kind, signed) and never what it says. Every read of content is audited.
 */
@Injectable()
export class NotesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async list(actor: StaffActor, query: ListNotesQuery): Promise<Page<NoteSummary>> {
    const subject = requireOneSubject(query);
    const access = await this.access.subject(actor, subject);
    const subjectId = 'clientId' in subject ? subject.clientId : subject.coupleId;
    const keyset = new Keyset(this.cursors, NOTES_BY_SESSION(actor.practiceId, subjectId), query);
    // Admins see every note's metadata; the care team sees progress notes and their own psychotherapy notes.
    const form = `${'clientId' in subject ? 'client' : 'couple'}:${notesListed(access.may)}:${keyset.form}` as const;
    const { rows: read } = await notesPage.execute(this.kdb, form, { practiceId: actor.practiceId, subjectId, me: actor.userId, ...keyset.slotValues });
    const { rows, nextCursor } = keyset.page(read);
    return { items: rows.map(toSummary), nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<NoteDetail> {
    const row = await this.find(this.db, actor.practiceId, id);
    const may = await this.noteMay(actor, row);
    if (may.read) await this.writes.event(actor, { action: 'note.read', recordType: 'session_note', recordId: id, subjectId: row.client_id ?? row.couple_id! });
    return this.detail(row, may);
  }

  async create(actor: StaffActor, dto: CreateNoteDto): Promise<NoteDetail> {
    const subject = requireOneSubject(dto, 'give either a client or a couple, not both');
    const access = await this.access.subject(actor, subject);
    if (!access.may.notes.edit) throw new ForbiddenError('Only a clinician on the care team writes session notes.');
    await this.checkSessionDate(actor, dto.sessionDate);
    const id = crypto.randomUUID();
    const sections = Object.fromEntries(NOTE_TEMPLATES[dto.format].map((s) => [s.key, '']));
    const sealed = this.seal(actor.practiceId, id, sections);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      await db
        .insertInto('session_note')
        .values({
          practice_id: actor.practiceId,
          id,
          client_id: dto.clientId ?? null,
          couple_id: dto.coupleId ?? null,
          author_id: actor.userId,
          session_date: dto.sessionDate,
          format: dto.format,
          kind: dto.kind,
          key_id: sealed.keyId,
          sections_enc: sealed.ciphertext,
        })
        .execute();
      await audit.record({ action: 'note.created', recordType: 'session_note', recordId: id, subjectId: dto.clientId ?? dto.coupleId, detail: { kind: dto.kind, format: dto.format } });
    });
    return this.detail(await this.find(this.db, actor.practiceId, id));
  }

  /** Autosave: the edit names the version it was based on; a stale one is a 409 and changes nothing. */
  async update(actor: StaffActor, id: string, dto: UpdateNoteDto): Promise<NoteDetail> {
    const row = await this.find(this.db, actor.practiceId, id);
    await this.assertAuthorOnTeam(actor, row);
    if (dto.sessionDate !== undefined && row.status === 'draft') await this.checkSessionDate(actor, dto.sessionDate);
    const current = JSON.parse(this.open(row)) as Record<string, string>;
    const sections = dto.sections ? { ...current, ...this.checkSections(row.format, dto.sections) } : current;
    const sealed = this.seal(actor.practiceId, id, sections);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const updated = await db
        .updateTable('session_note')
        .set({
          sections_enc: sealed.ciphertext,
          key_id: sealed.keyId,
          session_date: sql`COALESCE(${dto.sessionDate ?? null}::date, session_date)`,
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('version', '=', dto.version)
        .where('status', '=', sql.lit('draft'))
        .returning('id')
        .execute();
      if (updated.length === 0) throw this.refusedWrite(row);
      await audit.record({ action: 'note.updated', recordType: 'session_note', recordId: id, subjectId: row.client_id ?? row.couple_id! });
    });
    return this.detail(await this.find(this.db, actor.practiceId, id));
  }

  async sign(actor: StaffActor, id: string, dto: SignNoteDto): Promise<NoteDetail> {
    const row = await this.find(this.db, actor.practiceId, id);
    await this.assertAuthorOnTeam(actor, row);
    const sections = JSON.parse(this.open(row)) as Record<string, string>;
    if (Object.values(sections).every((text) => text.trim() === '')) {
      throw new RuleViolationError('empty_note', 'This note is empty. Write at least one section before signing it.');
    }
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const signed = await db
        .updateTable('session_note')
        .set({ status: sql.lit('signed'), signed_at: sql`now()`, signed_by: actor.userId, version: sql`version + 1`, updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('version', '=', dto.version)
        .where('status', '=', sql.lit('draft'))
        .returning('id')
        .execute();
      if (signed.length === 0) throw this.refusedWrite(row);
      await audit.record({ action: 'note.signed', recordType: 'session_note', recordId: id, subjectId: row.client_id ?? row.couple_id! });
    });
    return this.detail(await this.find(this.db, actor.practiceId, id));
  }

  /** Corrections to a signed note: a new note of its own, attached to it, written and signed the same way. */
  async addAddendum(actor: StaffActor, parentId: string): Promise<NoteDetail> {
    const parent = await this.find(this.db, actor.practiceId, parentId);
    const may = await this.noteMay(actor, parent);
    if (!may.addendum) throw new ForbiddenError('Only clinicians who can read this note add addenda to it.');
    if (parent.status !== 'signed') throw new RuleViolationError('not_signed', 'This note is still a draft: change it directly instead of adding an addendum.');
    if (parent.addendum_of) throw new RuleViolationError('addendum_of_addendum', 'Add the addendum to the original note.');
    const id = crypto.randomUUID();
    const sealed = this.seal(actor.practiceId, id, { note: '' });
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      await db
        .insertInto('session_note')
        .values({
          practice_id: actor.practiceId,
          id,
          client_id: parent.client_id,
          couple_id: parent.couple_id,
          author_id: actor.userId,
          session_date: sql`current_date`,
          format: sql.lit('free'),
          kind: parent.kind,
          addendum_of: parentId,
          key_id: sealed.keyId,
          sections_enc: sealed.ciphertext,
        })
        .execute();
      await audit.record({ action: 'note.addendum_created', recordType: 'session_note', recordId: id, subjectId: parent.client_id ?? parent.couple_id!, detail: { addendumOf: parentId } });
    });
    return this.detail(await this.find(this.db, actor.practiceId, id));
  }

  /** Drafts can be thrown away by their author; signed notes never (the database refuses too). */
  async discard(actor: StaffActor, id: string): Promise<void> {
    const row = await this.find(this.db, actor.practiceId, id);
    await this.assertAuthorOnTeam(actor, row);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const deleted = await db
        .deleteFrom('session_note')
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('status', '=', sql.lit('draft'))
        .returning('id')
        .execute();
      if (deleted.length === 0) throw this.refusedWrite(row);
      await audit.record({ action: 'note.discarded', recordType: 'session_note', recordId: id, subjectId: row.client_id ?? row.couple_id! });
    });
  }

  /** A session happened between 2000 and today, in the practice's time zone: a note is never dated ahead. */
  private async checkSessionDate(actor: StaffActor, sessionDate: string) {
    if (sessionDate < EARLIEST_SESSION_DATE) throw new ValidationFailedError({ sessionDate: `must be on or after ${EARLIEST_SESSION_DATE}` });
    if (sessionDate > (await practiceToday(this.db, actor))) throw new ValidationFailedError({ sessionDate: 'cannot be in the future: date the note on the day of the session' });
  }

  /** What the actor may do with the note (the access rules' noteMay). May not even know it exists: 404. */
  private async noteMay(actor: StaffActor, row: NoteRow) {
    const access = await this.access.subject(actor, subjectOf(row));
    const may = noteMay(actor, access.may, { kind: row.kind, authorId: row.author_id });
    if (!may) throw new NotFoundError('note');
    return may;
  }

  private async assertAuthorOnTeam(actor: StaffActor, row: NoteRow) {
    if (!(await this.noteMay(actor, row)).edit) throw new ForbiddenError('Only the note’s author can change it.');
  }

  private refusedWrite(row: NoteRow) {
    return row.status === 'signed'
      ? new ConflictError('note_signed', 'This note is signed and can no longer change. Add an addendum to correct it.')
      : new ConflictError('stale_version', 'This note changed in another tab or window since you opened it. Reload it; your text stays in the editor.');
  }

  private checkSections(format: NoteFormat, sections: Record<string, unknown>): Record<string, string> {
    const allowed = new Set(NOTE_TEMPLATES[format].map((s) => s.key));
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(sections)) {
      if (!allowed.has(key)) fields[`sections.${key}`] = `is not a section of a ${format} note`;
      else if (typeof value !== 'string') fields[`sections.${key}`] = 'must be text';
      else if (value.length > NOTE_SECTION_MAX_LENGTH) fields[`sections.${key}`] = `must be at most ${NOTE_SECTION_MAX_LENGTH} characters`;
    }
    if (Object.keys(fields).length > 0) throw new ValidationFailedError(fields);
    return sections as Record<string, string>;
  }

  private seal(practiceId: string, id: string, sections: Record<string, string>) {
    return this.cipher.encrypt(JSON.stringify(sections), aadFor('session_note', practiceId, id, 'sections'));
  }

  private open(row: NoteRow): string {
    return this.cipher.decrypt(row.sections_enc, row.key_id, aadFor('session_note', row.practice_id, row.id, 'sections'));
  }

  private async find(runner: SqlRunner, practiceId: string, id: string): Promise<NoteRow> {
    const row = await selectNotes(kyselyOn(runner)).where('n.practice_id', '=', practiceId).where('n.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('note');
    return row;
  }

  /** `may`: what the reader may do with this note; its author, having just written it, may read and edit it. */
  private async detail(row: NoteRow, may: { read: boolean; edit: boolean } = AUTHOR): Promise<NoteDetail> {
    const addenda = await selectNoteSummaries(this.kdb).where('n.practice_id', '=', row.practice_id).where('n.addendum_of', '=', row.id).orderBy('n.created_at').execute();
    return {
      ...toSummary(row),
      sections: may.read ? (JSON.parse(this.open(row)) as Record<string, string>) : null,
      signedBy: row.signed_by ? { id: row.signed_by, name: row.signed_by_name! } : null,
      addenda: addenda.map(toSummary),
      canEdit: may.edit && row.status === 'draft',
    };
  }
}
