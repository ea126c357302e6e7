import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newPractice, signIn, TEST_PASSWORD } from '../support/factories.js';

const actions = (res: { body: { items: Array<{ action: string }> } }) => res.body.items.map((e) => e.action);

describe('the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('records sign-ins, failures, staff and caseload changes with who, what, when and from where', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const clinician = await newClinician(t.db, practice);
    await t.request().post('/api/auth/login').send({ email: clinician.email, password: 'wrong password!' });
    const admin = await signIn(t, adminUser);
    const client = await admin.post('/api/clients').send({ name: 'Audited Client', primaryClinicianId: clinician.id });
    await admin.patch(`/api/clients/${client.body.id}`).send({ preferredName: 'Audi', version: 1 });
    await admin.post('/api/staff').send({ email: 'audited.invite@test.example', name: 'Invitee', roles: ['clinician'] });
    await admin.patch(`/api/staff/${clinician.id}`).send({ roles: ['clinician', 'admin'] });

    const log = await admin.get('/api/audit');
    expect(log.status).toBe(200);
    expect(actions(log)).toEqual(['staff.updated', 'staff.invited', 'client.updated', 'client.created', 'auth.sign_in', 'auth.sign_in_failed']);
    const [roles, , updated, created, signInEvent, failed] = log.body.items;
    expect(roles.detail).toEqual({ fields: ['roles'], rolesBefore: ['clinician'], rolesAfter: ['clinician', 'admin'] });
    expect(updated.detail).toEqual({ fields: ['preferred_name'] });
    expect(created).toMatchObject({ actor: { kind: 'staff', id: adminUser.id, name: adminUser.name }, subject: { id: client.body.id, name: 'Audited Client' } });
    expect(signInEvent).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), requestId: expect.any(String) });
    expect(failed).toMatchObject({ actor: { kind: 'anonymous', id: clinician.id }, recordId: clinician.id });
    expect(JSON.stringify(log.body)).not.toContain('wrong password!');
  });

  it('filters by person, client, action and dates, pages by keyset, and exports the filtered view as CSV', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const admin = await signIn(t, adminUser);
    const a = await admin.post('/api/clients').send({ name: 'Client A' });
    const b = await admin.post('/api/clients').send({ name: '=HYPERLINK("x")' });
    for (let i = 0; i < 3; i++) await admin.patch(`/api/clients/${a.body.id}`).send({ preferredName: `A${i}`, version: i + 1 });

    expect(actions(await admin.get('/api/audit').query({ subjectId: b.body.id }))).toEqual(['client.created']);
    expect(actions(await admin.get('/api/audit').query({ action: 'client.updated' }))).toEqual(['client.updated', 'client.updated', 'client.updated']);
    expect(actions(await admin.get('/api/audit').query({ action: 'auth' }))).toEqual(['auth.sign_in']);
    expect((await admin.get('/api/audit').query({ actorId: adminUser.id })).body.items).toHaveLength(6);
    expect((await admin.get('/api/audit').query({ from: '2000-01-01', to: '2000-12-31' })).body.items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await admin.get('/api/audit').query({ from: today, to: today })).body.items).toHaveLength(6);

    const first = await admin.get('/api/audit').query({ limit: '4' });
    const second = await admin.get('/api/audit').query({ limit: '4', cursor: first.body.nextCursor });
    expect([...actions(first), ...actions(second)]).toEqual([...actions(await admin.get('/api/audit'))]);
    expect(second.body.nextCursor).toBeNull();

    const csv = await admin.get('/api/audit/export.csv').query({ subjectId: a.body.id }).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toBe('seq,occurred_at,who,who_kind,what,action,record_type,record,client_or_couple,details,ip,request_id');
    expect(lines).toHaveLength(5);
    const bCsv = await admin.get('/api/audit/export.csv').query({ subjectId: b.body.id }).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(bCsv.body as string).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('shows each practice only its own events', async () => {
    const mine = await newPractice(t.db);
    const theirs = await newPractice(t.db);
    const theirAdmin = await signIn(t, await newAdmin(t.db, theirs));
    await theirAdmin.post('/api/clients').send({ name: 'Their Client' });
    const myAdmin = await signIn(t, await newAdmin(t.db, mine));
    const log = await myAdmin.get('/api/audit');
    expect(actions(log)).toEqual(['auth.sign_in']);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const practice = await newPractice(t.db);
    await signIn(t, await newAdmin(t.db, practice));
    await expect(t.db.query(`UPDATE audit_event SET action = 'auth.sign_out' WHERE practice_id = $1`, [practice.id])).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_event WHERE practice_id = $1`, [practice.id])).rejects.toThrow(/append-only/);
    await expect(t.db.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
  });

  it('detects tampering done behind the triggers’ back', async () => {
    const practice = await newPractice(t.db);
    const adminUser = await newAdmin(t.db, practice);
    const admin = await signIn(t, adminUser);
    for (const name of ['One', 'Two', 'Three']) await admin.post('/api/clients').send({ name });
    const clean = await admin.get('/api/audit/verify');
    expect(clean.body).toEqual({ ok: true, checkedEvents: 4, problems: [] });

    const tamper = async (sql: string) => {
      await t.db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_no_update`);
      try {
        await t.db.query(sql, [practice.id]);
      } finally {
        await t.db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_no_update`);
      }
    };
    // A naive edit leaves the row's hash behind.
    await tamper(`UPDATE audit_event SET detail = '{"edited": true}' WHERE practice_id = $1 AND seq = 2`);
    expect((await admin.get('/api/audit/verify')).body.problems).toEqual([{ seq: 2, problem: 'content does not match its hash' }]);
    // A careful one recomputes that hash, and breaks the next row's link instead.
    await tamper(`UPDATE audit_event e SET hash = sha256(e.prev_hash || audit_payload(e)) WHERE practice_id = $1 AND seq = 2`);
    expect((await admin.get('/api/audit/verify')).body.problems).toEqual([{ seq: 3, problem: 'does not link to the previous row' }]);
    // Removing the newest rows shows against the chain's head.
    await tamper(`DELETE FROM audit_event WHERE practice_id = $1 AND seq = 4`);
    const tampered = await admin.get('/api/audit/verify');
    expect(tampered.body.ok).toBe(false);
    expect(tampered.body.problems).toContainEqual({ seq: 4, problem: 'rows are missing at the end of the log' });
  });

  it('records a password set through an invite, and sign-out', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const clinician = await newClinician(t.db, practice);
    const session = await signIn(t, { email: clinician.email, password: TEST_PASSWORD });
    await session.post('/api/auth/logout');
    await newClient(t.db, practice);
    const log = await admin.get('/api/audit').query({ actorId: clinician.id });
    expect(actions(log)).toEqual(['auth.sign_out', 'auth.sign_in']);
  });
});
