import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEventView, Page } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newPractice, newStaff, signIn } from '../support/factories.js';

const csvOf = (req: import('supertest').Test) =>
  req.buffer(true).parse((res, done) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    res.on('end', () => done(null, text));
  });

describe('the audit log reads as an answer to “who saw or changed this?”', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('names who was invited, who set a password, and whose care team changed from whom to whom', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const maya = await newStaff(t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const sam = await newStaff(t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const admin = await signIn(t, adminUser);
    const invite = await admin.post('/api/staff').send({ email: 'rowan@test.example', name: 'Rowan Pike', roles: ['clinician'] });
    const token = new URL(invite.body.inviteUrl as string).hash.replace('#token=', '');
    expect((await t.request().post('/api/auth/set-password').send({ token, password: 'a good long passphrase' })).status).toBe(204);
    const client = await admin.post('/api/clients').send({ name: 'Jordan Blake', primaryClinicianId: maya.id });
    await admin.put(`/api/clients/${client.body.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [maya.id] });

    const log = (await admin.get('/api/audit')).body as Page<AuditEventView>;
    const find = (action: string) => log.items.find((e) => e.action === action)!;
    expect(find('staff.invited')).toMatchObject({ actionLabel: 'Invited a staff member', recordName: 'Rowan Pike', actor: { name: adminUser.name } });
    expect(find('auth.password_set')).toMatchObject({ actionLabel: 'Set a password from an invite link', actor: { kind: 'anonymous', name: 'Rowan Pike' } });
    const change = find('client.care_team_changed');
    expect(change.detail).toEqual({ primary: sam.id, others: [maya.id], previousPrimary: maya.id, previousOthers: [] });
    expect(change.names).toEqual({ [sam.id]: 'Sam Reyes', [maya.id]: 'Maya Okafor' });
    expect(change.recordName).toBe('Jordan Blake');

    // A failed sign-in names the account tried, never the person as having acted.
    await t.request().post('/api/auth/login').send({ email: maya.email, password: 'not her password' });
    const failed = ((await admin.get('/api/audit?action=auth.sign_in_failed')).body as Page<AuditEventView>).items[0]!;
    expect(failed).toMatchObject({ actor: { kind: 'anonymous', name: null }, recordName: 'Maya Okafor', actionLabel: 'Failed sign-in' });
  });

  it('exports names and actions in words, not raw ids', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const maya = await newStaff(t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const sam = await newStaff(t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const admin = await signIn(t, adminUser);
    const client = await admin.post('/api/clients').send({ name: 'Jordan Blake', primaryClinicianId: maya.id });
    await admin.put(`/api/clients/${client.body.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [] });
    const csv = await csvOf(admin.get('/api/audit/export.csv').query({ subjectId: client.body.id }));
    const text = csv.body as string;
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${adminUser.name},staff,Changed a client’s care team,client.care_team_changed,client,Jordan Blake,Jordan Blake,from Maya Okafor (primary) to Sam Reyes (primary)`);
    for (const id of [client.body.id, maya.id, sam.id, adminUser.id]) expect(text).not.toContain(id);
  });

  it('filters by notes, homework and portal links, and refuses a From date after the To date', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const asClinician = await signIn(t, clinician);
    const note = await asClinician.post('/api/notes').send({ clientId: client.id, sessionDate: new Date().toISOString().slice(0, 10), format: 'free', kind: 'progress' });
    await asClinician.get(`/api/notes/${note.body.id}`);
    expect((await asClinician.post(`/api/clients/${client.id}/portal-link`).send({})).status).toBe(201);
    const admin = await signIn(t, adminUser);
    const actions = async (action: string) => ((await admin.get('/api/audit').query({ action })).body as Page<AuditEventView>).items.map((e) => e.action);
    expect(await actions('note')).toEqual(['note.read', 'note.created']);
    expect(await actions('note.read')).toEqual(['note.read']);
    expect(await actions('portal_link')).toEqual(['portal_link.issued']);
    expect(await actions('assignment')).toEqual([]);

    const backwards = await admin.get('/api/audit').query({ from: '2026-11-20', to: '2026-11-10' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.fields).toEqual({ to: 'must be on or after the From date' });
    expect((await admin.get('/api/audit/export.csv').query({ from: '2026-11-20', to: '2026-11-10' })).status).toBe(400);
    expect((await admin.get('/api/audit').query({ from: '2026-11-10', to: '2026-11-10' })).status).toBe(200);
  });
});
