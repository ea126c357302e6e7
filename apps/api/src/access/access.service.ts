import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ClientAccess } from '@tandem/shared';
import { ForbiddenError, NotFoundError } from '../common/app-error.js';
import type { SqlRunner } from '../common/sql.js';
import { sql } from 'kysely';
import { kyselyOn } from '../db/kysely.js';
import { slot, sqlText } from '../db/sql-text.js';
import { isAdmin, isClinician, type StaffActor } from './actor.js';
import { AppError, RuleViolationError } from '../common/app-error.js';

/**
 * What an actor may do with a client or couple:
 * - `read`: see the record;
 * - `edit`: change demographics, discharge, reactivate (admin or the client's own care team);
 * - `screen`: set a couple's conjoint-safety status (clinicians on the couple's care team);
 * - `manage`: care teams, couple membership, names of couples (admins);
 * - `portal-link`: see, copy or issue the client's portal link. A link opens
 *   everything the client reads in the portal (their own homework and that of
 *   every couple they are in now), so only a clinician who may read all of it
 *   in the dashboard qualifies: on the client's own care team and on the care
 *   team of each of the client's current couples. Admins as such never do.
 */
export type RecordAction = 'read' | 'edit' | 'screen' | 'manage' | 'portal-link';

/**
 * SQL predicates for "this clinician is on the care team of…", for list
 * queries. `$me` is the placeholder of the clinician's id; `c` is the client
 * or couple alias. Both are indexed (care_team_by_staff, couple_member_client).
 */
export const onClientTeam = (c: string, me: string) =>
  `EXISTS (SELECT 1 FROM care_team_member ct WHERE ct.practice_id = ${c}.practice_id AND ct.client_id = ${c}.id
             AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL)`;
export const onTeamOfClientsCouple = (c: string, me: string) =>
  `EXISTS (SELECT 1 FROM couple_member cm JOIN care_team_member ct
             ON ct.practice_id = cm.practice_id AND ct.couple_id = cm.couple_id AND ct.removed_at IS NULL
            WHERE cm.practice_id = ${c}.practice_id AND cm.client_id = ${c}.id AND cm.left_at IS NULL
              AND ct.staff_user_id = ${me})`;
/**
 * The ids of the clients a clinician reaches (on their care team, or on the team of a
 * couple they are in), for lists: it starts from the clinician's own care-team rows, so
 * it reads their caseload, not the practice's.
 */
export const clientsReachedBy = (practice: string, me: string) => `
  SELECT ct.client_id FROM care_team_member ct
   WHERE ct.practice_id = ${practice} AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL AND ct.client_id IS NOT NULL
  UNION
  SELECT cm.client_id FROM care_team_member ct
    JOIN couple_member cm ON cm.practice_id = ct.practice_id AND cm.couple_id = ct.couple_id AND cm.left_at IS NULL
   WHERE ct.practice_id = ${practice} AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL AND ct.couple_id IS NOT NULL`;
export const onCoupleTeam = (c: string, me: string) =>
  `EXISTS (SELECT 1 FROM care_team_member ct WHERE ct.practice_id = ${c}.practice_id AND ct.couple_id = ${c}.id
             AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL)`;
/**
 * Whether the actor may see that a couple exists (its name usually names the
 * partner): admins, and clinicians on its care team, the people who may open
 * it. `cp` is the couple alias, `me` the placeholder of the actor's id.
 */
export const coupleShownTo = (actor: StaffActor, cp: string, me: string) => (isAdmin(actor) ? 'true' : onCoupleTeam(cp, me));
/** True when the clinician is on the care team of every couple the client `c` is in now. */
const onTeamOfEveryCurrentCouple = (c: string, me: string) =>
  `NOT EXISTS (SELECT 1 FROM couple_member cm WHERE cm.practice_id = ${c}.practice_id AND cm.client_id = ${c}.id AND cm.left_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM care_team_member ct WHERE ct.practice_id = cm.practice_id AND ct.couple_id = cm.couple_id
                                   AND ct.staff_user_id = ${me} AND ct.removed_at IS NULL))`;

/**
 * The one place that answers "may this actor do X to this record?". Services
 * call it first. A record the actor may not see, or of another practice, is
 * a 404 that reads exactly like a missing one; a record they see but may not
 * change this way is a 403.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  requireAdmin(actor: StaffActor): void {
    if (!isAdmin(actor)) throw new ForbiddenError();
  }

  /** Returns how the actor reaches the client. */
  async client(actor: StaffActor, clientId: string, action: RecordAction, runner: SqlRunner = this.db): Promise<ClientAccess> {
    const me = { me: actor.userId };
    const row = await kyselyOn(runner)
      .selectFrom('client as c')
      .select([
        sqlText<boolean>(onClientTeam('c', slot('me')), me).as('on_team'),
        sqlText<boolean>(onTeamOfClientsCouple('c', slot('me')), me).as('via_couple'),
        sqlText<boolean>(action === 'portal-link' ? onTeamOfEveryCurrentCouple('c', slot('me')) : 'false', me).as('on_every_couple_team'),
      ])
      .where('c.practice_id', '=', actor.practiceId)
      .where('c.id', '=', clientId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('client');
    const onTeam = isClinician(actor) && row.on_team;
    const viaCouple = isClinician(actor) && row.via_couple;
    const admin = isAdmin(actor);
    if (!admin && !onTeam && !viaCouple) throw new NotFoundError('client');
    const access: ClientAccess = onTeam ? 'care-team' : admin ? 'admin' : 'via-couple';
    switch (action) {
      case 'read':
        return access;
      case 'edit':
        if (admin || onTeam) return access;
        throw new ForbiddenError('Only the client’s own care team or an admin can change this record.');
      case 'manage':
        if (admin) return access;
        throw new ForbiddenError('Only an admin can change care teams.');
      case 'portal-link':
        if (onTeam && row.on_every_couple_team) return access;
        throw new ForbiddenError(
          'Only a clinician on this client’s own care team, and on the care team of each couple they are in, can see or copy their portal link.',
        );
      case 'screen':
        throw new ForbiddenError();
    }
  }

  /** Whether the actor may see, copy or issue the client's portal link (see `portal-link`), without throwing. */
  async mayShareLink(actor: StaffActor, clientId: string, runner: SqlRunner = this.db): Promise<boolean> {
    try {
      await this.client(actor, clientId, 'portal-link', runner);
      return true;
    } catch (error) {
      if (error instanceof ForbiddenError) return false;
      throw error;
    }
  }

  async couple(actor: StaffActor, coupleId: string, action: RecordAction, runner: SqlRunner = this.db): Promise<void> {
    const row = await kyselyOn(runner)
      .selectFrom('couple as c')
      .select(sqlText<boolean>(onCoupleTeam('c', slot('me')), { me: actor.userId }).as('on_team'))
      .where('c.practice_id', '=', actor.practiceId)
      .where('c.id', '=', coupleId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('couple');
    const onTeam = isClinician(actor) && row.on_team;
    const admin = isAdmin(actor);
    if (!admin && !onTeam) throw new NotFoundError('couple');
    switch (action) {
      case 'read':
        return;
      case 'screen':
        if (onTeam) return;
        throw new ForbiddenError('Only a clinician on this couple’s care team can record a safety screening.');
      case 'edit':
      case 'manage':
        if (admin) return;
        throw new ForbiddenError('Only an admin can change a couple’s members or care team.');
    }
  }

  /**
   * For clinical records about a client or couple (notes, homework): whether
   * the actor is an admin, and whether they are a clinician on that client's
   * or couple's own care team. Neither: 404.
   */
  async subjectTeam(
    actor: StaffActor,
    subject: { clientId: string } | { coupleId: string },
    runner: SqlRunner = this.db,
  ): Promise<{ admin: boolean; onTeam: boolean }> {
    const isClient = 'clientId' in subject;
    const db = kyselyOn(runner);
    const me = { me: actor.userId };
    const row = isClient
      ? await db
          .selectFrom('client as c')
          .select(sqlText<boolean>(onClientTeam('c', slot('me')), me).as('on_team'))
          .where('c.practice_id', '=', actor.practiceId)
          .where('c.id', '=', subject.clientId)
          .executeTakeFirst()
      : await db
          .selectFrom('couple as c')
          .select(sqlText<boolean>(onCoupleTeam('c', slot('me')), me).as('on_team'))
          .where('c.practice_id', '=', actor.practiceId)
          .where('c.id', '=', subject.coupleId)
          .executeTakeFirst();
    const what = isClient ? 'client' : 'couple';
    if (!row) throw new NotFoundError(what);
    const admin = isAdmin(actor);
    const onTeam = isClinician(actor) && row.on_team;
    if (!admin && !onTeam) throw new NotFoundError(what);
    return { admin, onTeam };
  }

  /** Ids named inside a body must be records of the actor's practice, or the request is a 404. */
  async assertClinicians(actor: StaffActor, staffIds: string[], runner: SqlRunner = this.db): Promise<void> {
    const unique = [...new Set(staffIds)];
    if (unique.length === 0) return;
    const { count } = await kyselyOn(runner)
      .selectFrom('staff_user')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('practice_id', '=', actor.practiceId)
      .where(sql<boolean>`id = ANY(${unique}::uuid[]) AND active AND 'clinician' = ANY(roles)`)
      .executeTakeFirstOrThrow();
    if (count !== unique.length) throw new NotFoundError('clinician');
  }

  async assertClientsVisible(actor: StaffActor, clientIds: string[], runner: SqlRunner = this.db): Promise<void> {
    for (const id of new Set(clientIds)) await this.client(actor, id, 'read', runner);
  }
}

/*
 * Emergency ("break-glass") access. Kept apart from the care-team rules
 * above: these methods only add a way in, for one clinician, one client, a
 * stated reason and a limited time, and never change what the rules above
 * answer.
 */

/** Note kinds an emergency opens. Psychotherapy notes stay with their author, even in an emergency. */
export const EMERGENCY_NOTE_KINDS = ['progress'] as const;

export interface EmergencyGrantAccess {
  id: string;
  clientId: string;
  expiresAt: Date;
}

@Injectable()
export class EmergencyAccess {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Whether a clinician may open a client's record in an emergency: a client
   * of their practice (another practice's reads as missing) whom they do not
   * already reach through a care team.
   */
  async assertMayOpen(actor: StaffActor, clientId: string, runner: SqlRunner = this.db): Promise<void> {
    if (!isClinician(actor)) throw new ForbiddenError('Only clinicians can open a record in an emergency.');
    const me = { me: actor.userId };
    const row = await kyselyOn(runner)
      .selectFrom('client as c')
      .select([sqlText<boolean>(onClientTeam('c', slot('me')), me).as('on_team'), sqlText<boolean>(onTeamOfClientsCouple('c', slot('me')), me).as('via_couple')])
      .where('c.practice_id', '=', actor.practiceId)
      .where('c.id', '=', clientId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('client');
    if (row.on_team || row.via_couple) {
      throw new RuleViolationError('already_on_care_team', 'You already work with this client: open their record from your caseload instead.');
    }
  }

  /**
   * The actor's own emergency access, while it lasts. Someone else's (or
   * another practice's) is a 404; one that ended or ran out is a 403 that
   * says so.
   */
  async grant(actor: StaffActor, grantId: string, runner: SqlRunner = this.db): Promise<EmergencyGrantAccess> {
    const row = await kyselyOn(runner)
      .selectFrom('emergency_access')
      .select(['id', 'client_id', 'expires_at', sql<boolean>`ended_at IS NULL AND expires_at > now()`.as('open')])
      .where('practice_id', '=', actor.practiceId)
      .where('id', '=', grantId)
      .where('staff_user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!row || !isClinician(actor)) throw new NotFoundError('emergency access');
    if (!row.open) {
      throw new AppError(403, 'emergency_access_ended', 'Your emergency access to this record has ended. Open it again, with a reason, if the emergency goes on.');
    }
    return { id: row.id, clientId: row.client_id, expiresAt: row.expires_at };
  }
}
