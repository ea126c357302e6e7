import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '@tandem/shared';
import { hashPassword } from '../auth/passwords.js';
import { kyselyOn } from '../db/kysely.js';
import type { FieldCipher } from '../encryption/field-cipher.js';
import { seedDemoCaseload } from './demo-caseload.js';
import { seedDemoHomework } from './demo-homework.js';
import { seedDemoMeasures } from './demo-measures.js';

export const DEMO_PRACTICE_NAME = 'Riverside Couples Therapy';

export interface DemoSignIn {
  name: string;
  email: string;
  password: string;
  roles: StaffRole[];
}

const DEMO_STAFF: Array<Omit<DemoSignIn, 'password'>> = [
  { name: 'Jordan Avery', email: 'admin@riverside.example', roles: ['admin'] },
  { name: 'Dr. Maya Okafor', email: 'maya.okafor@riverside.example', roles: ['clinician'] },
  { name: 'Sam Reyes, LMFT', email: 'sam.reyes@riverside.example', roles: ['clinician'] },
];

/** A random password per install: readable, and never one of the common ones. */
function randomPassword(): string {
  const raw = crypto.randomBytes(12).toString('base64url');
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

export async function hasAnyPractice(db: DataSource): Promise<boolean> {
  const any = await kyselyOn(db).selectFrom('practice').select(sql.lit(1).as('one')).limit(1).executeTakeFirst();
  return any !== undefined;
}

/**
 * Creates the demo practice with an admin and two clinicians and returns their
 * sign-ins. When the practice exists already, its staff get fresh passwords.
 */
export async function seedDemo(db: DataSource, cipher: FieldCipher): Promise<{ practiceId: string; signIns: DemoSignIn[] }> {
  const signIns = DEMO_STAFF.map((s) => ({ ...s, password: randomPassword() }));
  const hashes = await Promise.all(signIns.map((s) => hashPassword(s.password)));
  return db.transaction(async (tx) => {
    const typed = kyselyOn(tx);
    const existing = await typed.selectFrom('practice').select('id').where('name', '=', DEMO_PRACTICE_NAME).limit(1).executeTakeFirst();
    const practiceId =
      existing?.id ?? (await typed.insertInto('practice').values({ name: DEMO_PRACTICE_NAME, timezone: 'America/Chicago' }).returning('id').executeTakeFirstOrThrow()).id;
    const staffIds: string[] = [];
    for (const [i, s] of signIns.entries()) {
      const { id } = await typed
        .insertInto('staff_user')
        .values({ practice_id: practiceId, email: s.email, name: s.name, roles: s.roles, password_hash: hashes[i], active: true })
        .onConflict((oc) => oc.columns(['practice_id', 'email']).doUpdateSet({ password_hash: (eb) => eb.ref('excluded.password_hash'), active: true }))
        .returning('id')
        .executeTakeFirstOrThrow();
      staffIds.push(id);
    }
    const clinicians = { maya: staffIds[1]!, sam: staffIds[2]! };
    const people = await seedDemoCaseload(tx, practiceId, clinicians);
    if (people) {
      await seedDemoHomework(tx, practiceId, cipher, people, clinicians);
      await seedDemoMeasures(tx, practiceId, cipher, people, clinicians);
    }
    return { practiceId, signIns };
  });
}

export function formatSignIns(signIns: DemoSignIn[], url: string): string {
  const width = Math.max(...signIns.map((s) => s.email.length));
  const lines = signIns.map((s) => `  ${s.roles.join('+').padEnd(10)} ${s.email.padEnd(width)}  ${s.password}`);
  return [
    '',
    `  Demo practice "${DEMO_PRACTICE_NAME}" is ready. Sign in at ${url}`,
    '',
    ...lines,
    '',
    '  These passwords were generated for this install. Keep them; run `npm run seed:demo` for new ones.',
    '',
  ].join('\n');
}
