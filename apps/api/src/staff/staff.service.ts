import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { sql } from 'kysely';
import type { InviteResponse, Page, StaffMember, StaffRole } from '@tandem/shared';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/app-error.js';
import { PageCursors } from '../common/cursor.js';
import { InjectKysely, kyselyOn, type Db } from '../db/kysely.js';
import { Keyset, type KeysetSpec } from '../db/keyset.js';
import { hashToken, newToken } from '../common/tokens.js';
import { modify } from '../common/sql.js';
import { AuditedWrites } from '../audit/audited-writes.service.js';
import { SessionService } from '../auth/session.service.js';
import type { StaffActor } from '../access/actor.js';
import { Outbox } from '../delivery/outbox.service.js';
import type { InviteStaffDto, ListStaffQuery, UpdateStaffDto } from './dto/staff.dto.js';

interface StaffRow {
  id: string;
  email: string;
  name: string;
  roles: StaffRole[];
  active: boolean;
  has_password: boolean;
  created_at: Date;
}

const COLUMNS = `id, email, name, roles, active, password_hash IS NOT NULL AS has_password, created_at`;

/** COLUMNS, for typed reads and inserts of staff_user. */
const MEMBER = [
  'id',
  'email',
  'name',
  sql<StaffRole[]>`roles`.as('roles'),
  'active',
  sql<boolean>`password_hash IS NOT NULL`.as('has_password'),
  'created_at',
] as const;

const STAFF_BY_NAME = (practiceId: string): KeysetSpec<{ name: string; id: string }> => ({
  scope: { list: 'staff', practiceId },
  direction: 'asc',
  keys: [
    { by: 'name', part: 'text', of: (r) => r.name },
    { by: 'id', part: 'uuid', of: (r) => r.id },
  ],
});

function toMember(row: StaffRow): StaffMember {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    status: !row.active ? 'deactivated' : row.has_password ? 'active' : 'invited',
    createdAt: row.created_at.toISOString(),
  };
}

/** Staff of the actor's practice. Every route here is admin-only; every query is scoped by practice. */
@Injectable()
export class StaffService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(AuditedWrites) private readonly writes: AuditedWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PageCursors) private readonly cursors: PageCursors,
    @Inject(Outbox) private readonly outbox: Outbox,
    @InjectKysely() private readonly kdb: Db,
  ) {}

  async list(actor: StaffActor, query: ListStaffQuery): Promise<Page<StaffMember>> {
    const keyset = new Keyset(this.cursors, STAFF_BY_NAME(actor.practiceId), query);
    let q = this.kdb
      .selectFrom('staff_user')
      .select((eb) => ['id', 'email', 'name', eb.ref('roles').$castTo<StaffRole[]>().as('roles'), 'active', sql<boolean>`password_hash IS NOT NULL`.as('has_password'), 'created_at'])
      .where('practice_id', '=', actor.practiceId);
    if (query.q?.trim()) {
      const pattern = `%${query.q.trim().replace(/[\\%_]/g, '\\$&')}%`;
      q = q.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
    }
    const { rows, nextCursor } = await keyset.read(q);
    return { items: rows.map(toMember), nextCursor };
  }

  async get(actor: StaffActor, id: string): Promise<StaffMember> {
    return toMember(await this.find(this.db.manager, actor.practiceId, id));
  }

  async invite(actor: StaffActor, dto: InviteStaffDto, baseUrl: string): Promise<InviteResponse> {
    return this.writes.transaction(actor, async (tx, audit, db) => {
      const existing = await db
        .selectFrom('staff_user')
        .select(sql.lit(1).as('one'))
        .where('practice_id', '=', actor.practiceId)
        .where('email', '=', dto.email)
        .execute();
      if (existing.length > 0) {
        throw new ConflictError('email_taken', 'Someone on your staff already uses that email address.');
      }
      const row: StaffRow = await db
        .insertInto('staff_user')
        .values({ practice_id: actor.practiceId, email: dto.email, name: dto.name, roles: dto.roles, active: sql.lit(true) })
        .returning(MEMBER)
        .executeTakeFirstOrThrow();
      const link = await this.issueInvite(tx, actor, row.id, baseUrl);
      await audit.record({ action: 'staff.invited', recordType: 'staff_user', recordId: row.id, detail: { roles: dto.roles } });
      return { member: toMember(row), ...link };
    });
  }

  /** A new one-time link for someone who has not yet chosen a password; earlier links stop working. */
  async reissueInvite(actor: StaffActor, id: string, baseUrl: string): Promise<InviteResponse> {
    return this.writes.transaction(actor, async (tx, audit) => {
      const row = await this.find(tx, actor.practiceId, id);
      if (!row.active) throw new RuleViolationError('staff_deactivated', 'Reactivate this person before inviting them again.');
      if (row.has_password) {
        throw new RuleViolationError('already_joined', 'This person has already set a password and can sign in.');
      }
      const link = await this.issueInvite(tx, actor, id, baseUrl);
      await audit.record({ action: 'staff.invite_reissued', recordType: 'staff_user', recordId: id });
      return { member: toMember(row), ...link };
    });
  }

  async update(actor: StaffActor, id: string, dto: UpdateStaffDto): Promise<StaffMember> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.lockPractice(tx, actor.practiceId);
      const current = await this.find(tx, actor.practiceId, id);
      if (dto.roles && current.roles.includes('admin') && !dto.roles.includes('admin')) {
        await this.assertAnotherActiveAdmin(tx, actor.practiceId, id);
      }
      const [row] = await modify<StaffRow>(
        tx,
        `UPDATE staff_user SET name = COALESCE($3, name), roles = COALESCE($4, roles), updated_at = now()
          WHERE practice_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [actor.practiceId, id, dto.name ?? null, dto.roles ?? null],
      );
      const detail = { fields: Object.keys(dto).filter((k) => dto[k as keyof UpdateStaffDto] !== undefined), ...(dto.roles ? { rolesBefore: current.roles, rolesAfter: dto.roles } : {}) };
      await audit.record({ action: 'staff.updated', recordType: 'staff_user', recordId: id, detail });
      return toMember(row!);
    });
  }

  /** Deactivation ends every session of that person at once. */
  async deactivate(actor: StaffActor, id: string): Promise<StaffMember> {
    return this.writes.transaction(actor, async (tx, audit) => {
      await this.lockPractice(tx, actor.practiceId);
      const current = await this.find(tx, actor.practiceId, id);
      if (current.roles.includes('admin') && current.active) {
        await this.assertAnotherActiveAdmin(tx, actor.practiceId, id);
      }
      const [row] = await modify<StaffRow>(
        tx,
        `UPDATE staff_user SET active = false, deactivated_at = COALESCE(deactivated_at, now()), updated_at = now()
          WHERE practice_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [actor.practiceId, id],
      );
      await this.sessions.revokeAllForUser(actor.practiceId, id, tx);
      await kyselyOn(tx).updateTable('staff_invite').set({ used_at: sql`now()` }).where('staff_user_id', '=', id).where('used_at', 'is', null).execute();
      await audit.record({ action: 'staff.deactivated', recordType: 'staff_user', recordId: id });
      return toMember(row!);
    });
  }

  async reactivate(actor: StaffActor, id: string): Promise<StaffMember> {
    await this.find(this.db.manager, actor.practiceId, id);
    return this.writes.transaction(actor, async (tx, audit) => {
      const [row] = await modify<StaffRow>(
        tx,
        `UPDATE staff_user SET active = true, deactivated_at = NULL, updated_at = now()
          WHERE practice_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [actor.practiceId, id],
      );
      await audit.record({ action: 'staff.reactivated', recordType: 'staff_user', recordId: id });
      return toMember(row!);
    });
  }

  private async find(runner: EntityManager, practiceId: string, id: string): Promise<StaffRow> {
    const row: StaffRow | undefined = await kyselyOn(runner)
      .selectFrom('staff_user')
      .select(MEMBER)
      .where('practice_id', '=', practiceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('staff member');
    return row;
  }

  /** Serialises admin-changing writes of one practice, so two can never remove the last admin together. */
  private async lockPractice(tx: EntityManager, practiceId: string) {
    await kyselyOn(tx).selectFrom('practice').select('id').where('id', '=', practiceId).forUpdate().execute();
  }

  private async assertAnotherActiveAdmin(tx: EntityManager, practiceId: string, exceptId: string) {
    const { count } = await kyselyOn(tx)
      .selectFrom('staff_user')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('practice_id', '=', practiceId)
      .where('id', '<>', exceptId)
      .where(sql<boolean>`active AND 'admin' = ANY(roles) AND password_hash IS NOT NULL`)
      .executeTakeFirstOrThrow();
    if (count === 0) {
      throw new RuleViolationError(
        'last_admin',
        'A practice must keep at least one active admin. Make someone else an admin first.',
      );
    }
  }

  /** A new invite link, shown to the admin once and emailed to the person in the same transaction. */
  private async issueInvite(tx: EntityManager, actor: StaffActor, userId: string, baseUrl: string) {
    const token = newToken();
    const expiresAt = new Date(Date.now() + this.config.inviteHours * 3_600_000);
    const origin = this.config.publicBaseUrl ?? baseUrl;
    const db = kyselyOn(tx);
    await db.updateTable('staff_invite').set({ used_at: sql`now()` }).where('staff_user_id', '=', userId).where('used_at', 'is', null).execute();
    const invite = await db
      .insertInto('staff_invite')
      .values({ practice_id: actor.practiceId, staff_user_id: userId, token_hash: hashToken(token), created_by: actor.userId, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.outbox.enqueue(tx, {
      practiceId: actor.practiceId,
      kind: 'staff_invite',
      to: { kind: 'staff', id: userId },
      dedupeKey: `staff_invite:${invite.id}`,
      params: { baseUrl: origin },
      secret: token,
      requestedBy: actor.userId,
    });
    return { inviteUrl: `${origin}/set-password#token=${token}`, expiresAt: expiresAt.toISOString() };
  }
}
