import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, ForbiddenError, NotFoundError, RuleViolationError } from '../common/app-error.js';
import type { SqlRunner } from '../common/sql.js';
import { sql } from 'kysely';
import { kyselyOn } from '../db/kysely.js';
import { compiledOnce, type Slots } from '../db/compiled-once.js';
import { slot, sqlText } from '../db/sql-text.js';
import type { Subject } from '../common/subject-ref.dto.js';
import { isAdmin, type StaffActor } from './actor.js';
import {
  listScope,
  clientAccess,
  coupleAccess,
  EMERGENCY_NOTE_KINDS,
  emergencyMay,
  reachesOwnRecords,
  reachOf,
  type ClientAccessAnswer,
  type CoupleAccessAnswer,
  type CoupleVia,
  type RecordAccess,
  type SubjectMay,
} from './rules.js';

/**
 * What a service asks of a client or couple before acting: a key of
 * `SubjectMay` (rules.ts) and what is done to it. A record the actor does
 * not reach is a 404 whatever is asked.
 */
export type SubjectNeed = { [Row in keyof SubjectMay]: `${Row}.${keyof SubjectMay[Row] & string}` }[keyof SubjectMay];

const allows = (may: SubjectMay, need: SubjectNeed): boolean => {
  const [row, what] = need.split('.') as [keyof SubjectMay, string];
  return (may[row] as Record<string, boolean>)[what] === true;
};

/** What a refusal says, per record kind and need; a need not listed gets the plain 403. */
const REFUSALS: Record<'client' | 'couple', Partial<Record<SubjectNeed, string>>> = {
  client: {
    'details.edit': 'Only the client’s own care team or an admin can change this record.',
    'membership.edit': 'Only an admin can change care teams.',
    'portalLink.share':
      'Only a clinician on this client’s own care team, and on the care team of each couple they are in, can see or copy their portal link.',
  },
  couple: {
    'details.edit': 'Only the couple’s own care team or an admin can change this record.',
    'membership.edit': 'Only an admin can change a couple’s members or care team.',
    'screening.edit': 'Only a clinician on this couple’s care team can record a safety screening.',
  },
};

function refuseUnless(may: SubjectMay, need: SubjectNeed, kind: 'client' | 'couple') {
  if (!allows(may, need)) throw new ForbiddenError(REFUSALS[kind][need]);
}

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

/** How a clinician reaches a client (compiled once: every client page asks it). */
const clientReach = compiledOnce((db, p: Slots<{ me: string; practiceId: string; clientId: string }>) =>
  db
    .selectFrom('client as c')
    .select([
      sqlText<boolean>(onClientTeam('c', slot('me')), p).as('on_team'),
      sqlText<boolean>(onTeamOfClientsCouple('c', slot('me')), p).as('via_couple'),
      sqlText<boolean>(onTeamOfEveryCurrentCouple('c', slot('me')), p).as('on_every_couple_team'),
    ])
    .where('c.practice_id', '=', p.practiceId)
    .where('c.id', '=', p.clientId),
);
/** Whether a clinician is on a couple's care team (compiled once: every couple page asks it). */
const coupleReach = compiledOnce((db, p: Slots<{ me: string; practiceId: string; coupleId: string }>) =>
  db
    .selectFrom('couple as c')
    .select(sqlText<boolean>(onCoupleTeam('c', slot('me')), p).as('on_team'))
    .where('c.practice_id', '=', p.practiceId)
    .where('c.id', '=', p.coupleId),
);

/**
 * The one place that answers "may this actor do X to this record?", by the
 * rules of rules.ts. Services call it first. A record the actor may not see,
 * or of another practice, is a 404 that reads exactly like a missing one; a
 * record they see but may not change this way is a 403.
 */
@Injectable()
export class AccessService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** How the actor reaches the client and what they may do with it and its records; 403 when `need` is not among them. */
  async client(actor: StaffActor, clientId: string, need: SubjectNeed = 'details.read', runner: SqlRunner = this.db): Promise<ClientAccessAnswer> {
    const row = await clientReach.first(kyselyOn(runner), { me: actor.userId, practiceId: actor.practiceId, clientId });
    const access = row ? clientAccess(reachOf(actor, { onTeam: row.on_team, viaCouple: row.via_couple, onEveryCoupleTeam: row.on_every_couple_team })) : null;
    if (!access) throw new NotFoundError('client');
    refuseUnless(access.may, need, 'client');
    return access;
  }

  /** The same for a couple. */
  async couple(actor: StaffActor, coupleId: string, need: SubjectNeed = 'details.read', runner: SqlRunner = this.db): Promise<CoupleAccessAnswer> {
    const row = await coupleReach.first(kyselyOn(runner), { me: actor.userId, practiceId: actor.practiceId, coupleId });
    const access = row ? coupleAccess(reachOf(actor, { onTeam: row.on_team })) : null;
    if (!access) throw new NotFoundError('couple');
    refuseUnless(access.may, need, 'couple');
    return access;
  }

  /**
   * A client or couple as the subject of clinical records (notes, homework,
   * answers, alerts). A clinician who reaches a client only through a couple
   * does not reach the client's own records: for them the client reads as
   * missing here.
   */
  async subject(actor: StaffActor, subject: Subject, runner: SqlRunner = this.db): Promise<RecordAccess<ClientAccessAnswer['via'] | CoupleVia>> {
    const access = 'clientId' in subject ? await this.client(actor, subject.clientId, 'details.read', runner) : await this.couple(actor, subject.coupleId, 'details.read', runner);
    if (!reachesOwnRecords(access)) throw new NotFoundError('client');
    return access;
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
    for (const id of new Set(clientIds)) await this.client(actor, id, 'details.read', runner);
  }

  /** Lists by another clinician's caseload, or of the unassigned, are for those who see every caseload (admins). */
  assertCaseloadsOfOthers(actor: StaffActor): void {
    if (listScope(actor) !== 'practice') throw new ForbiddenError();
  }
}

/*
 * Emergency ("break-glass") access. Kept apart from the care-team rules
 * above: these methods only add a way in, for one clinician, one client, a
 * stated reason and a limited time, and never change what the rules above
 * answer.
 */

export { EMERGENCY_NOTE_KINDS };

/** An open emergency access, in the shape of every other answer: how the clinician reaches the client, and what they may do. */
export interface EmergencyGrantAccess extends RecordAccess<'emergency'> {
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
    const me = { me: actor.userId };
    const row = await kyselyOn(runner)
      .selectFrom('client as c')
      .select([sqlText<boolean>(onClientTeam('c', slot('me')), me).as('on_team'), sqlText<boolean>(onTeamOfClientsCouple('c', slot('me')), me).as('via_couple')])
      .where('c.practice_id', '=', actor.practiceId)
      .where('c.id', '=', clientId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('client');
    const reach = reachOf(actor, { onTeam: row.on_team, viaCouple: row.via_couple });
    if (reach.onTeam || reach.viaCouple) {
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
    if (!row) throw new NotFoundError('emergency access');
    if (!row.open) {
      throw new AppError(403, 'emergency_access_ended', 'Your emergency access to this record has ended. Open it again, with a reason, if the emergency goes on.');
    }
    return { via: 'emergency', may: emergencyMay(), id: row.id, clientId: row.client_id, expiresAt: row.expires_at };
  }
}
