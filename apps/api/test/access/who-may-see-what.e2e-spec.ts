import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NoteKind } from '@tandem/shared';
import { AccessService } from '../../src/access/access.service.js';
import { ALLOW_KEY } from '../../src/access/allow.decorator.js';
import type { StaffActor } from '../../src/access/actor.js';
import { alertCountScope, listScope, noteMay, partnerAnswersShown } from '../../src/access/rules.js';
import { AuditController } from '../../src/audit/audit.controller.js';
import { NotFoundError } from '../../src/common/app-error.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, newStaff, type TestStaff } from '../support/factories.js';

/**
 * DESIGN.md's "who may see what" table, walked row by row against the access
 * module (rules.ts and the access service on a real database). Each row names
 * what the design says per column, and asks the module the same question.
 * The portal column: partner answers here; what a portal session reaches
 * (own first name, own homework, a couple's only while a member, no staff
 * route) is walked over HTTP by homework/portal.e2e-spec.ts,
 * homework/portal-access.e2e-spec.ts and the access matrix.
 */
type Column = 'admin' | 'careTeam' | 'teamColleague' | 'outsider' | 'viaCouple' | 'adminOnTeam';
const COLUMNS: Column[] = ['admin', 'careTeam', 'teamColleague', 'outsider', 'viaCouple', 'adminOnTeam'];

describe('who may see what (DESIGN.md), as the access module answers it', () => {
  let t: TestApp;
  let access: AccessService;
  const actors = new Map<Column, StaffActor>();
  let clientId: string;
  let coupleId: string;

  const asActor = (s: TestStaff): StaffActor => ({ kind: 'staff', userId: s.id, practiceId: s.practiceId, roles: s.roles, sessionId: '', requestId: 'test', ip: '127.0.0.1' });

  beforeAll(async () => {
    t = await startTestApp();
    access = t.app.get(AccessService);
    const practice = await newPractice(t.db);
    const careTeam = await newClinician(t.db, practice);
    const colleague = await newClinician(t.db, practice);
    const adminOnTeam = await newStaff(t.db, practice, { roles: ['admin', 'clinician'] });
    const viaCouple = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [careTeam, colleague, adminOnTeam] });
    clientId = client.id;
    coupleId = (await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [viaCouple] })).id;
    actors.set('admin', asActor(await newAdmin(t.db, practice)));
    actors.set('careTeam', asActor(careTeam));
    actors.set('teamColleague', asActor(colleague));
    actors.set('outsider', asActor(await newClinician(t.db, practice)));
    actors.set('viaCouple', asActor(viaCouple));
    actors.set('adminOnTeam', asActor(adminOnTeam));
  });
  afterAll(() => t.close());

  /** A record the actor does not reach reads as missing: that is the table's "no". */
  const orNo = async (ask: () => Promise<string>) => {
    try {
      return await ask();
    } catch (error) {
      if (error instanceof NotFoundError) return 'no';
      throw error;
    }
  };
  const note = (kind: NoteKind, author: Column) => ({ kind, authorId: actors.get(author)!.userId });

  const TABLE: Array<{ row: string; expect: Record<Column, string>; ask: (actor: StaffActor) => Promise<string> }> = [
    {
      row: 'client/couple demographics',
      // A clinician of a couple the client is in sees who the partner is, not their contact details.
      expect: { admin: 'yes', careTeam: 'yes', teamColleague: 'yes', outsider: 'no', viaCouple: 'yes, without contact details', adminOnTeam: 'yes' },
      ask: (a) =>
        orNo(async () => {
          const { may } = await access.client(a, clientId);
          return may.details.read ? (may.contact.read ? 'yes' : 'yes, without contact details') : 'no';
        }),
    },
    {
      row: 'care teams, caseload counts',
      expect: { admin: 'yes, edit', careTeam: 'own', teamColleague: 'own', outsider: 'no', viaCouple: 'own', adminOnTeam: 'yes, edit' },
      ask: (a) =>
        orNo(async () => {
          const { may } = await access.client(a, clientId);
          const every = listScope(a) === 'practice';
          expect(may.membership.edit).toBe(every);
          return may.membership.edit ? 'yes, edit' : may.membership.read ? 'own' : 'no';
        }),
    },
    {
      row: 'assignments, completion status',
      // Couple clinicians do not see the client's individual homework.
      expect: { admin: 'yes', careTeam: 'yes, edit', teamColleague: 'yes, edit', outsider: 'no', viaCouple: 'no', adminOnTeam: 'yes, edit' },
      ask: (a) =>
        orNo(async () => {
          const { may } = await access.subject(a, { clientId });
          return may.homework.edit ? 'yes, edit' : may.homework.read ? 'yes' : 'no';
        }),
    },
    {
      row: 'response answers',
      expect: { admin: 'no', careTeam: 'yes', teamColleague: 'yes', outsider: 'no', viaCouple: 'no', adminOnTeam: 'yes' },
      ask: (a) => orNo(async () => ((await access.subject(a, { clientId })).may.answers.read ? 'yes' : 'no')),
    },
    {
      row: 'progress notes (one written by the care team clinician)',
      expect: { admin: 'metadata only', careTeam: 'yes', teamColleague: 'yes', outsider: 'no', viaCouple: 'no', adminOnTeam: 'yes' },
      ask: (a) =>
        orNo(async () => {
          const may = noteMay(a, (await access.subject(a, { clientId })).may, note('progress', 'careTeam'));
          return may === null ? 'no' : may.read ? 'yes' : 'metadata only';
        }),
    },
    {
      row: 'psychotherapy notes (one written by the care team clinician)',
      expect: { admin: 'metadata only', careTeam: 'author', teamColleague: 'no', outsider: 'no', viaCouple: 'no', adminOnTeam: 'metadata only' },
      ask: (a) =>
        orNo(async () => {
          const may = noteMay(a, (await access.subject(a, { clientId })).may, note('psychotherapy', 'careTeam'));
          if (may === null) return 'no';
          if (may.read) {
            expect(may.edit).toBe(true);
            return 'author';
          }
          return 'metadata only';
        }),
    },
    {
      row: 'audit log',
      expect: { admin: 'yes', careTeam: 'no', teamColleague: 'no', outsider: 'no', viaCouple: 'no', adminOnTeam: 'yes' },
      ask: async (a) => {
        const audience = Reflect.getMetadata(ALLOW_KEY, AuditController) as string;
        expect(audience).toBe('admin');
        return a.roles.includes('admin') ? 'yes' : 'no';
      },
    },
    {
      row: 'alerts from flagged answers',
      expect: { admin: 'see that one exists', careTeam: 'yes, acknowledge', teamColleague: 'yes, acknowledge', outsider: 'no', viaCouple: 'no', adminOnTeam: 'yes, acknowledge' },
      ask: async (a) => {
        const reached = await orNo(async () => {
          const { may } = await access.subject(a, { clientId });
          return may.alerts.edit && may.alerts.read ? 'yes, acknowledge' : 'no';
        });
        if (reached !== 'no') return reached;
        return alertCountScope(a) === 'practice' ? 'see that one exists' : 'no';
      },
    },
    {
      row: 'a working portal link',
      // The care team clinician is not on the team of the couple the client is in: a link would open its homework too.
      expect: { admin: 'never', careTeam: 'not while the client is in a couple of another team', teamColleague: 'not while the client is in a couple of another team', outsider: 'never', viaCouple: 'never', adminOnTeam: 'not while the client is in a couple of another team' },
      ask: (a) =>
        orNo(async () => {
          const { via, may } = await access.client(a, clientId);
          if (may.portalLink.share) return 'own care team';
          return via === 'care-team' ? 'not while the client is in a couple of another team' : 'never';
        }).then((answer) => (answer === 'no' ? 'never' : answer)),
    },
  ];

  it.each(TABLE.flatMap((r) => COLUMNS.map((c) => [r.row, c, r] as const)))('%s, %s', async (_row, column, r) => {
    expect(await r.ask(actors.get(column)!)).toBe(r.expect[column]);
  });

  it('a working portal link: the care team shares it once they are on the team of every couple the client is in', async () => {
    const careTeam = actors.get('careTeam')!;
    await t.db.query(`INSERT INTO care_team_member (practice_id, couple_id, staff_user_id, role) VALUES ($1, $2, $3, 'secondary')`, [
      careTeam.practiceId,
      coupleId,
      careTeam.userId,
    ]);
    try {
      expect((await access.client(careTeam, clientId)).may.portalLink.share).toBe(true);
      expect((await access.client(actors.get('admin')!, clientId)).may.portalLink.share).toBe(false);
    } finally {
      await t.db.query(`DELETE FROM care_team_member WHERE couple_id = $1 AND staff_user_id = $2`, [coupleId, careTeam.userId]);
    }
  });

  it('client() and couple() answer in one shape, and "edit" means the same for both: the own care team or an admin', async () => {
    const viaCouple = actors.get('viaCouple')!;
    const couple = await access.couple(viaCouple, coupleId);
    const client = await access.client(actors.get('careTeam')!, clientId);
    expect(Object.keys(couple.may).sort()).toEqual(Object.keys(client.may).sort());
    expect(couple).toEqual(expect.objectContaining({ via: 'care-team' }));
    expect(couple.may.details.edit).toBe(true);
    expect(client.may.details.edit).toBe(true);
    expect((await access.couple(actors.get('admin')!, coupleId)).may.details.edit).toBe(true);
    // Membership (care team, members, the couple's name) is the admins' to change, for both kinds.
    expect(couple.may.membership.edit).toBe(false);
    expect(client.may.membership.edit).toBe(false);
    // Screening is the couple's care team's.
    expect(couple.may.screening.edit).toBe(true);
    expect((await access.couple(actors.get('admin')!, coupleId)).may.screening.edit).toBe(false);
    await expect(access.couple(actors.get('careTeam')!, coupleId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('portal: a partner’s answers show only when the assignment shares them and everyone has submitted', () => {
    expect(partnerAnswersShown('reveal-when-both-done', [true, true])).toBe(true);
    expect(partnerAnswersShown('reveal-when-both-done', [true, false])).toBe(false);
    expect(partnerAnswersShown('reveal-when-both-done', [false, true])).toBe(false);
    expect(partnerAnswersShown('private', [true, true])).toBe(false);
    expect(partnerAnswersShown(null, [true])).toBe(false);
  });
});
