import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newPractice, signIn } from '../support/factories.js';

describe('structured logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('writes one JSON access line per request with request id, practice, actor, route, status and duration', async () => {
    const practice = await newPractice(t.db);
    const admin = await newAdmin(t.db, practice);
    const agent = await signIn(t, admin);
    const res = await agent.get('/api/staff').set('x-request-id', 'trace-abc-12345');
    expect(res.headers['x-request-id']).toBe('trace-abc-12345');
    const lines = t.logs().filter((l) => l.msg === 'request' && l.reqId === 'trace-abc-12345');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      practiceId: practice.id,
      actor: `staff:${admin.id}`,
      method: 'GET',
      route: '/api/staff',
      status: 200,
      ms: expect.any(Number),
    });
  });

  it('never writes passwords, session cookies, invite tokens or request bodies', async () => {
    const practice = await newPractice(t.db);
    const admin = await signIn(t, await newAdmin(t.db, practice));
    const password = 'Unmistakable-Passphrase-4711';
    const invite = await admin.post('/api/staff').send({ email: 'logged.person@test.example', name: 'Logged Person', roles: ['clinician'] });
    const token = new URL(invite.body.inviteUrl).hash.replace('#token=', '');
    await t.request().post('/api/auth/invite').send({ token });
    await t.request().post('/api/auth/set-password').send({ token, password });
    const login = await t.request().post('/api/auth/login').send({ email: 'logged.person@test.example', password });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
    await t.request().get('/api/auth/me').set('Cookie', `tandem_session=${cookie}`);
    await t.request().post('/api/auth/login').send({ email: 'logged.person@test.example', password: `${password}-wrong` });

    const everything = t.rawLogs.join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of [password, token, cookie]) expect(everything).not.toContain(secret);
  });

  it('answers an unknown failure with a request id and no detail', async () => {
    // A failure Tandem has no answer for: the database raises an error of its own.
    const practice = await newPractice(t.db);
    const agent = await signIn(t, await newAdmin(t.db, practice));
    await t.db.query(`CREATE FUNCTION test_refuse_zed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'Zed Zed' THEN RAISE EXCEPTION 'test_refuse_zed' USING ERRCODE = 'XX000'; END IF; RETURN NEW; END $$`);
    await t.db.query(`CREATE TRIGGER test_refuse_zed BEFORE INSERT ON staff_user FOR EACH ROW EXECUTE FUNCTION test_refuse_zed()`);
    try {
      const res = await agent.post('/api/staff').send({ email: 'zed@test.example', name: 'Zed Zed', roles: ['clinician'] });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        statusCode: 500,
        code: 'internal_error',
        message: expect.stringContaining(res.body.requestId),
        requestId: res.headers['x-request-id'],
      });
      expect(JSON.stringify(res.body)).not.toMatch(/constraint|staff_user|test_refuse_zed|XX000/);
    } finally {
      await t.db.query(`DROP TRIGGER test_refuse_zed ON staff_user`);
      await t.db.query(`DROP FUNCTION test_refuse_zed()`);
      // This 500 was provoked on purpose: take it out of the file's server-error check.
      t.rawLogs.splice(0, t.rawLogs.length, ...t.rawLogs.filter((l) => !l.includes('"status":500')));
    }
  });

  describe('database errors never carry client data into the log', () => {
    // Contact details and a date of birth as a client record holds them: each is a query parameter of the insert.
    const marker = { email: 'marker.mxq7@client.example', phone: '+44 7700 900731', dateOfBirth: '1987-03-14' };
    const markers = [marker.email, marker.phone, marker.dateOfBirth, '7700 900731', 'mxq7'];
    const logged = () => t.rawLogs.join('\n');

    it('an unexpected failure (500) is logged by kind, code and location, without the statement, its values or what PostgreSQL quotes of them', async () => {
      const practice = await newPractice(t.db);
      const agent = await signIn(t, await newAdmin(t.db, practice));
      // The error's message, detail and hint repeat the very values; the QueryFailedError holds them as `parameters` too.
      await t.db.query(`CREATE FUNCTION test_refuse_marker() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.email LIKE 'marker.%' THEN
            RAISE EXCEPTION 'refused % born %', NEW.email, NEW.date_of_birth
              USING ERRCODE = 'XX000', DETAIL = format('Key (email)=(%s) phone "%s"', NEW.email, NEW.phone), HINT = NEW.phone;
          END IF;
          RETURN NEW;
        END $$`);
      await t.db.query(`CREATE TRIGGER test_refuse_marker BEFORE INSERT ON client FOR EACH ROW EXECUTE FUNCTION test_refuse_marker()`);
      const before = t.rawLogs.length;
      try {
        const res = await agent.post('/api/clients').send({ name: 'Marker Client', ...marker });
        expect(res.status).toBe(500);
        const lines = t.rawLogs.slice(before).map((l) => JSON.parse(l) as { msg: string; err?: { code?: string; type?: string; stack?: string } });
        const failure = lines.find((l) => l.msg === 'unexpected error');
        // What a developer needs is there: the kind of error, its SQLSTATE and where it was thrown.
        expect(failure?.err).toMatchObject({ type: 'QueryFailedError', code: 'XX000', stack: expect.stringContaining('at ') });
        for (const value of markers) expect(logged()).not.toContain(value);
        expect(logged()).not.toMatch(/INSERT INTO client|"parameters"|"query"|"detail"|"hint"/);
      } finally {
        await t.db.query(`DROP TRIGGER test_refuse_marker ON client`);
        await t.db.query(`DROP FUNCTION test_refuse_marker()`);
        t.rawLogs.splice(0, t.rawLogs.length, ...t.rawLogs.filter((l) => !l.includes('"status":500')));
      }
    });

    it('a unique key taken meanwhile is a 409, logged as a warning without the key’s value', async () => {
      const practice = await newPractice(t.db);
      const agent = await signIn(t, await newAdmin(t.db, practice));
      // PostgreSQL words a unique violation as `Key (email)=(…) already exists`, in the error's detail.
      await t.db.query(`CREATE UNIQUE INDEX test_client_email ON client (practice_id, email)`);
      const before = t.rawLogs.length;
      try {
        expect((await agent.post('/api/clients').send({ name: 'First Marker', ...marker })).status).toBe(201);
        const second = await agent.post('/api/clients').send({ name: 'Second Marker', ...marker });
        expect(second.status).toBe(409);
        expect(second.body.code).toBe('conflict');
        const lines = t.rawLogs.slice(before).map((l) => JSON.parse(l) as { msg: string; err?: { code?: string; constraint?: string } });
        expect(lines.find((l) => l.msg === 'database refused a value')?.err).toMatchObject({ code: '23505', constraint: 'test_client_email' });
        for (const value of markers) expect(logged()).not.toContain(value);
      } finally {
        await t.db.query(`DROP INDEX test_client_email`);
      }
    });
  });
});
