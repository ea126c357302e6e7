import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { StaffRole } from '@tandem/shared';
import { hashPassword } from '../auth/passwords.js';
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
  const rows: unknown[] = await db.query('SELECT 1 FROM practice LIMIT 1');
  return rows.length > 0;
}

/**
 * Creates the demo practice with an admin and two clinicians and returns their
 * sign-ins. When the practice exists already, its staff get fresh passwords.
 */
export async function seedDemo(db: DataSource, cipher: FieldCipher): Promise<{ practiceId: string; signIns: DemoSignIn[] }> {
  const signIns = DEMO_STAFF.map((s) => ({ ...s, password: randomPassword() }));
  const hashes = await Promise.all(signIns.map((s) => hashPassword(s.password)));
  return db.transaction(async (tx) => {
    const existing: Array<{ id: string }> = await tx.query(`SELECT id FROM practice WHERE name = $1 LIMIT 1`, [
      DEMO_PRACTICE_NAME,
    ]);
    const practiceId =
      existing[0]?.id ??
      ((await tx.query(`INSERT INTO practice (name, timezone) VALUES ($1, $2) RETURNING id`, [
        DEMO_PRACTICE_NAME,
        'America/Chicago',
      ])) as Array<{ id: string }>)[0]!.id;
    const staffIds: string[] = [];
    for (const [i, s] of signIns.entries()) {
      const [{ id }] = (await tx.query(
        `INSERT INTO staff_user (practice_id, email, name, roles, password_hash, active)
         VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT (practice_id, email) DO UPDATE SET password_hash = EXCLUDED.password_hash, active = true
         RETURNING id`,
        [practiceId, s.email, s.name, s.roles, hashes[i]],
      )) as Array<{ id: string }>;
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
