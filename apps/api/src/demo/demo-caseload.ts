import type { ConjointSafety } from '@tandem/shared';
import { sql } from 'kysely';
import type { SqlRunner } from '../common/sql.js';
import { kyselyOn } from '../db/kysely.js';

interface DemoClient {
  key: string;
  name: string;
  preferredName?: string;
  email?: string;
  language?: string;
  dateOfBirth?: string;
  /** Clinician keys: first is primary. */
  team?: Array<'maya' | 'sam'>;
  discharged?: boolean;
}

/** Ids of the demo's people: clients by key, couples by name. */
export interface DemoPeople {
  clients: Map<string, string>;
  couples: Map<string, string>;
}

interface DemoCouple {
  name: string;
  members: string[];
  team: Array<'maya' | 'sam'>;
  safety: ConjointSafety;
  note?: string;
}

const CLIENTS: DemoClient[] = [
  { key: 'priya', name: 'Priya Raman', email: 'priya.r@example.org', dateOfBirth: '1988-03-14', team: ['maya'] },
  { key: 'daniel', name: 'Daniel Okoye', preferredName: 'Dan', email: 'dan.okoye@example.org', dateOfBirth: '1986-11-02' },
  { key: 'marcus', name: 'Marcus Webb', email: 'webb.family@example.org', dateOfBirth: '1979-07-21' },
  { key: 'elena', name: 'Elena Webb', email: 'webb.family@example.org', dateOfBirth: '1981-01-09', language: 'es' },
  { key: 'tomas', name: 'Tomás Rivera', preferredName: 'Tom', email: 'tom.rivera@example.org', dateOfBirth: '1992-05-30', language: 'es' },
  { key: 'jae', name: 'Jae-won Park', preferredName: 'Jae', email: 'jae.park@example.org', dateOfBirth: '1993-09-12', team: ['sam'] },
  { key: 'hannah', name: 'Hannah Berg', email: 'hannah.berg@example.org', dateOfBirth: '1984-02-17' },
  { key: 'leo', name: 'Leo Marchetti', email: 'leo.marchetti@example.org', dateOfBirth: '1983-12-05' },
  { key: 'ruth', name: 'Ruth Adeyemi', email: 'ruth.adeyemi@example.org', dateOfBirth: '1987-06-23' },
  { key: 'grace', name: 'Grace Liu', email: 'grace.liu@example.org', dateOfBirth: '1995-04-08', team: ['maya'] },
  { key: 'owen', name: 'Owen Fitzgerald', dateOfBirth: '1975-10-19', team: ['sam', 'maya'] },
  { key: 'amara', name: 'Amara Nwosu', dateOfBirth: '1990-08-27', team: ['maya'], discharged: true },
];

const COUPLES: DemoCouple[] = [
  {
    name: 'Priya & Dan',
    members: ['priya', 'daniel'],
    team: ['maya'],
    safety: 'cleared',
    note: 'Screened separately at intake; no safety concerns reported.',
  },
  { name: 'Marcus & Elena', members: ['marcus', 'elena'], team: ['sam'], safety: 'unscreened' },
  {
    name: 'Tom & Jae',
    members: ['tomas', 'jae'],
    team: ['maya', 'sam'],
    safety: 'concern',
    note: 'Jae described feeling afraid during arguments. Individual sessions first; conjoint work on hold.',
  },
  {
    name: 'Hannah, Leo & Ruth',
    members: ['hannah', 'leo', 'ruth'],
    team: ['sam', 'maya'],
    safety: 'cleared',
    note: 'All three screened individually; no concerns.',
  },
];

/** A realistic caseload for the demo practice: twelve clients and four couples across both clinicians. */
export async function seedDemoCaseload(tx: SqlRunner, practiceId: string, clinicians: { maya: string; sam: string }): Promise<DemoPeople | null> {
  const db = kyselyOn(tx);
  const existing = await db.selectFrom('client').select(sql.lit(1).as('one')).where('practice_id', '=', practiceId).limit(1).executeTakeFirst();
  if (existing) return null;
  const sixtyDaysAgo = sql<Date>`now() - interval '60 days'`;
  const ids = new Map<string, string>();
  const coupleIds = new Map<string, string>();
  const addToTeam = async (column: 'client_id' | 'couple_id', id: string, team: Array<'maya' | 'sam'>) => {
    for (const [i, who] of team.entries()) {
      await db
        .insertInto('care_team_member')
        .values({ practice_id: practiceId, [column]: id, staff_user_id: clinicians[who], role: i === 0 ? 'primary' : 'secondary' })
        .execute();
    }
  };
  for (const c of CLIENTS) {
    const { id } = await db
      .insertInto('client')
      .values({
        practice_id: practiceId,
        name: c.name,
        preferred_name: c.preferredName ?? null,
        email: c.email ?? null,
        date_of_birth: c.dateOfBirth ?? null,
        preferred_language: c.language ?? 'en',
        status: c.discharged ? 'discharged' : 'active',
        discharged_at: c.discharged ? new Date(Date.now() - 10 * 86_400_000) : null,
        created_at: sixtyDaysAgo,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(c.key, id);
    await addToTeam('client_id', id, c.team ?? []);
  }
  for (const couple of COUPLES) {
    const screened = couple.safety !== 'unscreened';
    const { id } = await db
      .insertInto('couple')
      .values({
        practice_id: practiceId,
        display_name: couple.name,
        conjoint_safety: couple.safety,
        safety_note: couple.note ?? null,
        safety_set_by: screened ? clinicians[couple.team[0]!] : null,
        safety_set_at: screened ? new Date(Date.now() - 50 * 86_400_000) : null,
        created_at: sixtyDaysAgo,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const member of couple.members) {
      await db.insertInto('couple_member').values({ practice_id: practiceId, couple_id: id, client_id: ids.get(member)!, joined_at: sixtyDaysAgo }).execute();
    }
    await addToTeam('couple_id', id, couple.team);
    coupleIds.set(couple.name, id);
  }
  return { clients: ids, couples: coupleIds };
}
