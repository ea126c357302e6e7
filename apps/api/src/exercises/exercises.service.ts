import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import {
  BUILT_IN_EXERCISES,
  findBuiltInExercise,
  sharingRule,
  validateExerciseDefinition,
  type Exercise,
  type ExerciseVersionInfo,
  type LibraryItem,
  type LibraryItemDetail,
  type Page,
} from '@tandem/shared';
import type { StaffActor } from '../access/actor.js';
import { exerciseMay } from '../access/rules.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, type KeysetSpec } from '../db/keyset.js';
import type { SqlRunner } from '../common/sql.js';
import type { CreateExerciseDto, ListExercisesQuery, UpdateExerciseDto } from './dto/exercise.dto.js';

interface PracticeRow {
  id: string;
  slug: string;
  current_version: number;
  author_id: string;
  author_name: string;
  copied_from: string | null;
  archived_at: Date | null;
  definition: Exercise;
}

const BUILTIN = 'builtin:';

/** A practice exercise (`e`) with its current version's definition (`v`) and its author's name. */
const selectExercises = (db: Db, version?: number) =>
  db
    .selectFrom('exercise as e')
    .innerJoin('exercise_version as v', (j) => {
      const same = j.onRef('v.practice_id', '=', 'e.practice_id').onRef('v.exercise_id', '=', 'e.id');
      return version === undefined ? same.onRef('v.version', '=', 'e.current_version') : same.on('v.version', '=', version);
    })
    .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'e.practice_id').onRef('u.id', '=', 'e.author_id'))
    .select((eb) => ['e.id', 'e.slug', 'e.current_version', 'e.author_id', 'u.name as author_name', 'e.copied_from', 'e.archived_at', eb.ref('v.definition').$castTo<Exercise>().as('definition')]);

/** The columns the library list filters and sorts on, copied from the definition. */
const listed = (e: Exercise) => ({
  title: e.title,
  theme: e.theme,
  audience: e.audience,
  recurring: e.recurrence.some((r) => r !== 'once'),
  source_seed: e.source?.seedFile ?? null,
});

/** Built-in and practice exercises in one order: title ignoring case, then id (as text: built-ins' ids are not uuids). */
const EXERCISES_BY_TITLE = (practiceId: string): KeysetSpec<LibraryItem> => ({
  scope: { list: 'exercises', practiceId },
  direction: 'asc',
  keys: [
    { by: sql`lower(e.title)`, part: 'text', of: (i) => i.title.toLowerCase() },
    { by: sql`e.id::text`, part: 'text', of: (i) => i.id },
  ],
});

function item(exercise: Exercise, extra: Pick<LibraryItem, 'id' | 'origin' | 'archived' | 'author' | 'copiedFrom'>): LibraryItem {
  return {
    ...extra,
    slug: exercise.slug,
    version: exercise.version,
    title: exercise.title,
    summary: exercise.summary,
    theme: exercise.theme,
    audience: exercise.audience,
    minutes: exercise.minutes,
    source: exercise.source,
    requiresScreening: exercise.safety.requiresScreening,
    screeningReason: exercise.safety.reason ?? null,
    recurrence: exercise.recurrence,
    sharing: sharingRule(exercise),
  };
}

const builtInItem = (e: Exercise) => item(e, { id: `${BUILTIN}${e.slug}`, origin: 'builtin', archived: false, author: null, copiedFrom: null });

const practiceItem = (row: PracticeRow) =>
  item(row.definition, {
    id: row.id,
    origin: 'practice',
    archived: row.archived_at !== null,
    author: { id: row.author_id, name: row.author_name },
    copiedFrom: row.copied_from,
  });

const sortKey = (i: LibraryItem) => [i.title.toLowerCase(), i.id] as const;
const after = (i: LibraryItem, cursor: readonly unknown[] | null) => {
  if (!cursor) return true;
  const [title, id] = sortKey(i);
  return title > String(cursor[0]) || (title === String(cursor[0]) && id > String(cursor[1]));
};

/**
 * The exercise library: built-in exercises from code, and the practice's
 * own, versioned (an edit appends a version; assignments keep theirs).
 * Any clinician may write one; its author or an admin may edit or archive it.
 */
@Injectable()
export class ExercisesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async list(actor: StaffActor, query: ListExercisesQuery): Promise<Page<LibraryItem>> {
    const keyset = new Keyset(this.cursors, EXERCISES_BY_TITLE(actor.practiceId), query);
    const cursor = keyset.after;
    const q = query.q?.trim().toLowerCase();
    const matches = (i: LibraryItem) =>
      (!query.theme || i.theme === query.theme) &&
      (!query.audience || i.audience === query.audience || (i.audience === 'either' && query.audience !== 'either')) &&
      (!query.source || i.source?.seedFile === query.source) &&
      (!query.recurring || i.recurrence.some((r) => r !== 'once') === (query.recurring === 'true')) &&
      (!q || i.title.toLowerCase().includes(q) || i.summary.toLowerCase().includes(q));

    const builtIns = query.origin === 'practice' ? [] : BUILT_IN_EXERCISES.map(builtInItem).filter((i) => matches(i) && after(i, cursor));
    let practice: LibraryItem[] = [];
    if (query.origin !== 'builtin') {
      let own = selectExercises(this.kdb).where('e.practice_id', '=', actor.practiceId);
      if (!query.includeArchived) own = own.where('e.archived_at', 'is', null);
      if (query.theme) own = own.where('e.theme', '=', query.theme);
      if (query.source) own = own.where('e.source_seed', '=', query.source);
      if (query.recurring) own = own.where('e.recurring', '=', query.recurring === 'true');
      if (query.audience && query.audience !== 'either') own = own.where('e.audience', 'in', [query.audience, sql.lit('either')]);
      else if (query.audience) own = own.where('e.audience', '=', sql.lit('either'));
      if (q) {
        const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
        own = own.where(sql<boolean>`(lower(e.title) LIKE ${pattern} OR lower(v.definition->>'summary') LIKE ${pattern})`);
      }
      const rows = await keyset.apply(own).execute();
      practice = rows.map(practiceItem);
    }
    const merged = [...builtIns, ...practice].sort((a, b) => {
      const [ta, ia] = sortKey(a);
      const [tb, ib] = sortKey(b);
      return ta < tb ? -1 : ta > tb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    const { rows: items, nextCursor } = keyset.page(merged);
    return { items, nextCursor };
  }

  async get(actor: StaffActor, id: string, version?: number): Promise<LibraryItemDetail> {
    if (id.startsWith(BUILTIN)) {
      const exercise = findBuiltInExercise(id.slice(BUILTIN.length), version);
      if (!exercise) throw new NotFoundError('exercise');
      return { ...builtInItem(exercise), exercise, versions: [], canEdit: exerciseMay(actor, { builtIn: true, authorId: null }).edit };
    }
    const row = await this.find(this.db, actor.practiceId, id, version);
    const versions = await this.kdb
      .selectFrom('exercise_version as v')
      .innerJoin('staff_user as u', (j) => j.onRef('u.practice_id', '=', 'v.practice_id').onRef('u.id', '=', 'v.created_by'))
      .select(['v.version', 'v.created_at', 'u.id as by_id', 'u.name as by_name'])
      .where('v.practice_id', '=', actor.practiceId)
      .where('v.exercise_id', '=', id)
      .orderBy('v.version', 'desc')
      .execute();
    const history: ExerciseVersionInfo[] = versions.map((v) => ({ version: v.version, createdAt: v.created_at.toISOString(), createdBy: { id: v.by_id, name: v.by_name } }));
    return { ...practiceItem(row), exercise: row.definition, versions: history, canEdit: this.may(actor, row).edit && row.archived_at === null };
  }

  async create(actor: StaffActor, dto: CreateExerciseDto): Promise<LibraryItemDetail> {
    if (dto.copiedFrom) await this.get(actor, dto.copiedFrom);
    const definition = this.checked(dto.definition, 1);
    const id = await this.writes.transaction(actor, async (_tx, audit, db) => {
      const taken = await db.selectFrom('exercise').select('id').where('practice_id', '=', actor.practiceId).where('slug', '=', definition.slug).execute();
      if (taken.length > 0 || findBuiltInExercise(definition.slug)) {
        throw new ValidationFailedError({ 'definition.slug': 'is already used by another exercise in your library' });
      }
      const { id: newId } = await db
        .insertInto('exercise')
        .values({ practice_id: actor.practiceId, slug: definition.slug, author_id: actor.userId, copied_from: dto.copiedFrom ?? null, ...listed(definition) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('exercise_version')
        .values({ practice_id: actor.practiceId, exercise_id: newId, version: 1, definition: JSON.stringify(definition), created_by: actor.userId })
        .execute();
      await audit.record({ action: 'exercise.created', recordType: 'exercise', recordId: newId, detail: { copiedFrom: dto.copiedFrom ?? null } });
      return newId;
    });
    return this.get(actor, id);
  }

  /** An edit appends a version; the version it started from must still be the current one. */
  async update(actor: StaffActor, id: string, dto: UpdateExerciseDto): Promise<LibraryItemDetail> {
    this.refuseBuiltIn(actor, id);
    const current = await this.find(this.db, actor.practiceId, id);
    this.assertMayEdit(actor, current);
    if (current.archived_at) throw new ConflictError('archived', 'This exercise is archived. Restore it before editing.');
    const next = dto.baseVersion + 1;
    const definition = this.checked({ ...dto.definition, slug: current.slug }, next);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      const moved = await db
        .updateTable('exercise')
        .set({ current_version: next, ...listed(definition), updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .where('current_version', '=', dto.baseVersion)
        .returning('id')
        .execute();
      if (moved.length === 0) {
        throw new ConflictError('stale_version', 'Someone saved a newer version of this exercise while you were editing. Reload it, then apply your changes again.');
      }
      await db
        .insertInto('exercise_version')
        .values({ practice_id: actor.practiceId, exercise_id: id, version: next, definition: JSON.stringify(definition), created_by: actor.userId })
        .execute();
      await audit.record({ action: 'exercise.updated', recordType: 'exercise', recordId: id, detail: { version: next } });
    });
    return this.get(actor, id);
  }

  /** Archived exercises leave the library list but stay readable, with every version, for assignments that use them. */
  async setArchived(actor: StaffActor, id: string, archived: boolean): Promise<LibraryItemDetail> {
    this.refuseBuiltIn(actor, id);
    const row = await this.find(this.db, actor.practiceId, id);
    this.assertMayEdit(actor, row);
    await this.writes.transaction(actor, async (_tx, audit, db) => {
      await db
        .updateTable('exercise')
        .set({ archived_at: archived ? sql`COALESCE(archived_at, now())` : null, updated_at: sql`now()` })
        .where('practice_id', '=', actor.practiceId)
        .where('id', '=', id)
        .execute();
      await audit.record({ action: archived ? 'exercise.archived' : 'exercise.restored', recordType: 'exercise', recordId: id });
    });
    return this.get(actor, id);
  }

  private async find(runner: SqlRunner, practiceId: string, id: string, version?: number): Promise<PracticeRow> {
    if (id.startsWith(BUILTIN)) throw new NotFoundError('exercise');
    const row = await selectExercises(kyselyOn(runner), version).where('e.practice_id', '=', practiceId).where('e.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('exercise');
    return row;
  }

  private may(actor: StaffActor, row: PracticeRow) {
    return exerciseMay(actor, { builtIn: false, authorId: row.author_id });
  }

  private assertMayEdit(actor: StaffActor, row: PracticeRow) {
    if (!this.may(actor, row).edit) throw new ForbiddenError('Only the exercise’s author or an admin can change it.');
  }

  private refuseBuiltIn(actor: StaffActor, id: string) {
    if (id.startsWith(BUILTIN)) {
      if (!findBuiltInExercise(id.slice(BUILTIN.length))) throw new NotFoundError('exercise');
      if (!exerciseMay(actor, { builtIn: true, authorId: null }).edit) throw new ForbiddenError('Built-in exercises are read-only. Make a copy to adapt one.');
    }
  }

  /** The shared definition check, with its problems reported under `definition.`. */
  private checked(definition: unknown, version: number): Exercise {
    const withVersion = { ...(definition as object), version };
    const problems = validateExerciseDefinition(withVersion);
    if (Object.keys(problems).length > 0) {
      throw new ValidationFailedError(Object.fromEntries(Object.entries(problems).map(([k, v]) => [`definition.${k}`, v])), 'The exercise has problems to fix.');
    }
    return withVersion as Exercise;
  }

}
