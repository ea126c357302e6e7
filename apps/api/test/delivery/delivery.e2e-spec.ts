import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '../../src/delivery/clock.js';
import { RemindersService } from '../../src/reminders/reminders.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, newStaff, openPortal, signIn, type TestPractice, type TestStaff } from '../support/factories.js';
import { linkIn, MailSink, until } from '../support/mail-sink.js';
import { missEachOtherAnswers, smallActsAnswers } from '../homework/homework-helpers.js';

const unique = () => crypto.randomBytes(4).toString('hex');
const PORTAL_LINK = /\/p\/([A-Za-z0-9_-]{43})/;
const MARKER = `MARKER-${unique()}`;

describe('email delivery', () => {
  const sink = new MailSink();
  let t: TestApp;
  let practice: TestPractice;
  let admin: TestStaff;
  let clinician: TestStaff;
  const tokensSeen: string[] = [];

  beforeAll(async () => {
    await sink.start();
    t = await startTestApp({
      TANDEM_SMTP_URL: sink.url,
      TANDEM_MAIL_FROM: 'Tandem <tandem@test.example>',
      TANDEM_MAIL_RETRY_SECONDS: '1',
      TANDEM_MAIL_MAX_ATTEMPTS: '6',
    });
    practice = await newPractice(t.db, `Riverside ${unique()}`);
    admin = await newAdmin(t.db, practice);
    clinician = await newClinician(t.db, practice);
  });
  afterAll(async () => {
    // No token any message carried ever reached a log line.
    const logs = t.rawLogs.join('\n');
    for (const token of tokensSeen) expect(logs).not.toContain(token);
    expect(tokensSeen.length).toBeGreaterThan(3);
    // No message carried clinical content planted along the way.
    for (const mail of sink.received) expect(mail.raw).not.toContain(MARKER);
    await t.close();
    await sink.stop();
  });

  const clientWithEmail = async (name: string, email: string, clinicians = [clinician]) => {
    const client = await newClient(t.db, practice, { name, clinicians });
    await t.db.query(`UPDATE client SET email = $3 WHERE practice_id = $1 AND id = $2`, [practice.id, client.id, email]);
    return client;
  };
  const deliveries = (where: string, params: unknown[]) =>
    t.db.query(`SELECT status, attempts, last_error_code, message_kind FROM delivery WHERE practice_id = $1 AND ${where}`, [practice.id, ...params]) as Promise<
      Array<{ status: string; attempts: number; last_error_code: string | null; message_kind: string }>
    >;

  it('invite: the email arrives, its link sets the password, and the person signs in', async () => {
    const email = `new.${unique()}@test.example`;
    const invited = await (await signIn(t, admin)).post('/api/staff').send({ email, name: 'Noor Haddad', roles: ['clinician'] });
    expect(invited.status).toBe(201);
    // Admins can still copy the link, as before.
    expect(invited.body.inviteUrl).toMatch(/\/set-password#token=/);
    const [mail] = await sink.waitFor(email);
    expect(mail!.subject).toBe(`You're invited to ${practice.name} on Tandem`);
    expect(mail!.text).toContain('Hi Noor,');
    expect(mail!.raw).not.toMatch(/^List-Unsubscribe/m);
    const token = linkIn(mail!, /\/set-password#token=([A-Za-z0-9_-]{43})/);
    tokensSeen.push(token);
    const anon = t.request();
    expect((await anon.post('/api/auth/set-password').send({ token, password: 'a long and private passphrase' })).status).toBe(204);
    expect((await anon.post('/api/auth/login').send({ email, password: 'a long and private passphrase' })).status).toBe(200);
  });

  it('password reset: the same answer for known and unknown addresses; a single-use link that ends sessions', async () => {
    const person = await newStaff(t.db, practice, { name: 'Ines Moreau', roles: ['clinician'] });
    const oldSession = await signIn(t, person);
    const known = await t.request().post('/api/auth/password-reset/request').send({ email: person.email });
    const unknown = await t.request().post('/api/auth/password-reset/request').send({ email: `nobody.${unique()}@test.example` });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect((await t.request().post('/api/auth/password-reset/request').send({ email: 'not an address' })).body.fields).toHaveProperty('email');

    const [mail] = await sink.waitFor(person.email);
    expect(mail!.subject).toBe('Reset your Tandem password');
    const token = linkIn(mail!, /\/reset-password#token=([A-Za-z0-9_-]{43})/);
    tokensSeen.push(token);
    const stored = (await t.db.query(`SELECT token_hash FROM password_reset WHERE staff_user_id = $1`, [person.id])) as Array<{ token_hash: Buffer }>;
    expect(stored[0]!.token_hash.equals(crypto.createHash('sha256').update(token).digest())).toBe(true);

    expect((await t.request().post('/api/auth/password-reset').send({ token, password: 'password' })).status).toBe(400);
    expect((await t.request().post('/api/auth/password-reset').send({ token, password: 'a brand new passphrase' })).status).toBe(204);
    expect((await t.request().post('/api/auth/password-reset').send({ token, password: 'another new passphrase' })).status).toBe(404);
    expect((await oldSession.get('/api/auth/me')).status).toBe(401);
    expect((await t.request().post('/api/auth/login').send({ email: person.email, password: 'a brand new passphrase' })).status).toBe(200);

    // An expired link does not work.
    await t.request().post('/api/auth/password-reset/request').send({ email: person.email });
    const [, second] = await sink.waitFor(person.email, 2);
    const expired = linkIn(second!, /\/reset-password#token=([A-Za-z0-9_-]{43})/);
    tokensSeen.push(expired);
    await t.db.query(`UPDATE password_reset SET expires_at = now() - interval '1 minute' WHERE staff_user_id = $1 AND used_at IS NULL`, [person.id]);
    expect((await t.request().post('/api/auth/password-reset').send({ token: expired, password: 'yet another passphrase' })).status).toBe(404);
  });

  it('Send link: partners sharing one address each get their own message, first name and link; each link opens their own portal', async () => {
    const shared = `home.${unique()}@test.example`;
    const ana = await clientWithEmail('Ana Silva', shared);
    const ben = await clientWithEmail('Ben Okafor', shared);
    const couple = await newCouple(t.db, practice, { members: [ana, ben], clinicians: [clinician] });
    const staff = await signIn(t, clinician);
    const sent = await staff.post(`/api/couples/${couple.id}/portal-links/send`);
    expect(sent.status).toBe(202);
    expect(sent.body.queued.map((q: { name: string }) => q.name).sort()).toEqual(['Ana Silva', 'Ben Okafor']);
    expect(JSON.stringify(sent.body)).not.toMatch(/\/p\//);

    const mails = await sink.waitFor(shared, 2);
    const byName = new Map(mails.map((m) => [m.text.split('\n')[0], m]));
    const tokens = ['Hi Ana,', 'Hi Ben,'].map((hi) => {
      const mail = byName.get(hi);
      expect(mail?.subject).toBe(`Your private link from ${practice.name}`);
      expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      expect(mail!.raw).toMatch(/^List-Unsubscribe:\s+<http[^>]+\/api\/unsubscribe\/[A-Za-z0-9_-]{43}>\r?$/m);
      return linkIn(mail!, PORTAL_LINK);
    });
    tokensSeen.push(...tokens);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(((await (await openPortal(t, tokens[0]!)).get('/api/portal/me')).body as { clientId?: string; id?: string; firstName?: string }).firstName).toBe('Ana');
    expect(((await (await openPortal(t, tokens[1]!)).get('/api/portal/me')).body as { firstName?: string }).firstName).toBe('Ben');

    // The same "Send link" for one client, and the audit says who sent it.
    expect((await staff.post(`/api/clients/${ana.id}/portal-link/send`)).status).toBe(202);
    await sink.waitFor(shared, 3);
    const events = (await t.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND action = 'portal_link.sent' AND actor_id = $2`, [
      practice.id,
      clinician.id,
    ])) as Array<{ n: number }>;
    expect(events[0]!.n).toBe(3);

    // Someone who cannot see the couple cannot send, and a client without an address gets a sentence.
    const outsider = await signIn(t, await newClinician(t.db, practice));
    expect((await outsider.post(`/api/couples/${couple.id}/portal-links/send`)).status).toBe(404);
    const noEmail = await newClient(t.db, practice, { name: 'Cleo Park', clinicians: [clinician] });
    const refused = await staff.post(`/api/clients/${noEmail.id}/portal-link/send`);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/no email address/);
  });

  it('one-click unsubscribe records the opt-out, audited; after it the client gets nothing', async () => {
    const email = `dana.${unique()}@test.example`;
    const dana = await clientWithEmail('Dana Weiss', email);
    const staff = await signIn(t, clinician);
    await staff.post(`/api/clients/${dana.id}/portal-link/send`);
    const [mail] = await sink.waitFor(email);
    tokensSeen.push(linkIn(mail!, PORTAL_LINK));
    const unsubscribe = /^List-Unsubscribe:\s+<[^>]+\/api\/unsubscribe\/([A-Za-z0-9_-]{43})>/m.exec(mail!.raw)![1]!;
    tokensSeen.push(unsubscribe);
    // What a mail client does (RFC 8058): a form POST with List-Unsubscribe=One-Click.
    const res = await t
      .request()
      .post(`/api/unsubscribe/${unsubscribe}`)
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect((await t.request().post(`/api/unsubscribe/${'x'.repeat(43)}`)).status).toBe(404);
    const audit = (await t.db.query(`SELECT actor_id FROM audit_event WHERE practice_id = $1 AND action = 'delivery.unsubscribed' AND record_id = $2`, [
      practice.id,
      dana.id,
    ])) as Array<{ actor_id: string }>;
    expect(audit).toEqual([{ actor_id: dana.id }]);
    expect((await staff.get(`/api/clients/${dana.id}/reminders`)).body.emailOptedOutAt).not.toBeNull();

    const refused = await staff.post(`/api/clients/${dana.id}/portal-link/send`);
    expect(refused.status).toBe(422);
    // A reminder would not be queued for them either; and a message already queued ends as opted out.
    const assigned = await staff.post('/api/assignments').send({
      clientId: dana.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Try it.', dueOn: new Date().toISOString().slice(0, 10), recurrence: 'daily', count: 1, remind: true,
    });
    expect(assigned.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.to(email)).toHaveLength(1);
  });

  it('homework reminders: on assigning (if ticked), once on the due morning at the client’s hour in the practice time zone, one overdue nudge; never in quiet hours', async () => {
    await t.db.query(`UPDATE practice SET timezone = 'America/New_York' WHERE id = $1`, [practice.id]);
    const email = `eli.${unique()}@test.example`;
    const eli = await clientWithEmail('Eli Brooks', email);
    const staff = await signIn(t, clinician);
    expect((await staff.put(`/api/clients/${eli.id}/reminders`).send({ enabled: true, hour: 22 })).status).toBe(400);
    expect((await staff.put(`/api/clients/${eli.id}/reminders`).send({ enabled: true, hour: 10 })).body).toMatchObject({ enabled: true, hour: 10 });
    const dueOn = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const clock = t.app.get(Clock);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    // Assigned at noon in New York (yesterday, so the notice is due at once).
    jest.spyOn(clock, 'now').mockReturnValue(new Date(`${yesterday}T12:00:00-05:00`));
    const assigned = await staff.post('/api/assignments').send({
      clientId: eli.id, exerciseId: 'builtin:small-acts-of-care', instructions: `Before we meet ${MARKER}`, dueOn, recurrence: 'daily', count: 1, remind: true,
    });
    jest.restoreAllMocks();
    expect(assigned.status).toBe(201);
    // Assigned at 23:00: the notice waits for 08:00 the next morning, practice time. Tomorrow evening, so that
    // morning is still ahead of the real clock the delivery worker runs on, whatever the hour of the run.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(`${tomorrow}T23:00:00-05:00`));
    const late = await staff.post('/api/assignments').send({
      clientId: eli.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Late', dueOn, recurrence: 'weekly', count: 1, remind: true,
    });
    jest.restoreAllMocks();
    expect(late.status).toBe(201);
    const [waiting] = (await t.db.query(`SELECT not_before FROM delivery WHERE practice_id = $1 AND dedupe_key = $2`, [practice.id, `homework_assigned:${late.body.id}:${eli.id}`])) as Array<{ not_before: Date }>;
    expect(waiting!.not_before.toISOString()).toBe(new Date(Date.parse(`${tomorrow}T08:00:00-05:00`) + 86_400_000).toISOString());
    await t.db.query(`UPDATE assignment_occurrence SET cancelled = true WHERE assignment_id = $1`, [late.body.id]);
    // The exercise title as the assignment keeps it carries a marker too.
    await t.db.query(`UPDATE assignment SET exercise = jsonb_set(exercise, '{title}', to_jsonb($2::text)) WHERE id = $1`, [assigned.body.id, `Title ${MARKER}`]);

    // A note about Eli holds the marker too.
    const note = await staff.post('/api/notes').send({ clientId: eli.id, sessionDate: '2026-11-20', format: 'SOAP', kind: 'progress' });
    expect((await staff.patch(`/api/notes/${note.body.id}`).send({ sections: { subjective: `Said ${MARKER}` }, version: 1 })).status).toBe(200);
    const reminders = t.app.get(RemindersService);
    const at = (local: string) => jest.spyOn(clock, 'now').mockReturnValue(new Date(`${local}-05:00`));
    try {
      // 09:30 in New York on the due day: before Eli's hour (10).
      at(`${dueOn}T09:30:00`);
      expect(await reminders.tick()).toBe(0);
      at(`${dueOn}T10:00:00`);
      expect(await reminders.tick()).toBe(1);
      at(`${dueOn}T10:01:00`);
      expect(await reminders.tick()).toBe(0);
      at(`${dueOn}T15:00:00`);
      expect(await reminders.tick()).toBe(0);
      // The day after: one nudge; a tick in quiet hours (06:00) sends nothing.
      const next = new Date(Date.parse(`${dueOn}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      at(`${next}T06:00:00`);
      expect(await reminders.tick()).toBe(0);
      at(`${next}T10:30:00`);
      expect(await reminders.tick()).toBe(1);
      at(`${next}T18:00:00`);
      expect(await reminders.tick()).toBe(0);
    } finally {
      jest.restoreAllMocks();
    }
    const mails = (await sink.waitFor(email, 3)).slice(0, 3);
    expect(mails.map((m) => m.subject).sort()).toEqual([`A reminder from ${practice.name}`, `Something new from ${practice.name}`, `Still time, from ${practice.name}`].sort());
    const links = mails.map((m) => linkIn(m, PORTAL_LINK));
    tokensSeen.push(...links);
    // The newest reminder's link opens the portal; the client answers, with a marker in the answer.
    const portal = await openPortal(t, links[links.length - 1]!);
    const submitted = await portal
      .post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`)
      .send({ answers: smallActsAnswers(7, MARKER), submissionId: crypto.randomUUID() });
    expect(submitted.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    // The late assignment's notice waits for the morning (it may already be morning in New York).
    expect(sink.to(email).filter((m) => m.subject.startsWith('A reminder')).length).toBe(1);
    expect(sink.to(email).filter((m) => m.subject.startsWith('Still time')).length).toBe(1);
  });

  it('partners are reminded about their own part only', async () => {
    const fayEmail = `fay.${unique()}@test.example`;
    const a = await clientWithEmail('Fay Lund', fayEmail);
    const b = await clientWithEmail('Gus Lund', `gus.${unique()}@test.example`);
    const couple = await newCouple(t.db, practice, { members: [a, b], clinicians: [clinician], safety: 'cleared' });
    const staff = await signIn(t, clinician);
    const dueOn = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() - 86_400_000));
    await t.db.query(`UPDATE practice SET timezone = 'UTC' WHERE id = $1`, [practice.id]);
    const assigned = await staff.post('/api/assignments').send({
      coupleId: couple.id, exerciseId: 'builtin:when-we-miss-each-other', instructions: 'Together', dueOn, recurrence: 'once', remind: true,
    });
    jest.restoreAllMocks();
    expect(assigned.status).toBe(201);
    const [fayMail] = await sink.waitFor(fayEmail);
    const portal = await openPortal(t, linkIn(fayMail!, PORTAL_LINK));
    tokensSeen.push(linkIn(fayMail!, PORTAL_LINK));
    expect((await portal.post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`).send({ answers: missEachOtherAnswers(5), submissionId: crypto.randomUUID() })).status).toBe(200);
    const clock = t.app.get(Clock);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(`${dueOn}T11:00:00Z`));
    try {
      expect(await t.app.get(RemindersService).tick()).toBe(1);
    } finally {
      jest.restoreAllMocks();
    }
    const due = (await t.db.query(`SELECT recipient_id FROM delivery WHERE practice_id = $1 AND message_kind = 'homework_due' AND couple_id = $2`, [practice.id, couple.id])) as Array<{
      recipient_id: string;
    }>;
    expect(due).toEqual([{ recipient_id: b.id }]);
  });

  it('SMTP down for a while: retried with backoff, delivered once when it returns', async () => {
    const email = `hal.${unique()}@test.example`;
    const hal = await clientWithEmail('Hal Ito', email);
    await sink.stop();
    try {
      expect((await (await signIn(t, clinician)).post(`/api/clients/${hal.id}/portal-link/send`)).status).toBe(202);
      await until(async () => ((await deliveries(`client_id = $2`, [hal.id]))[0]?.attempts ?? 0) >= 2, 20_000);
      const [row] = await deliveries(`client_id = $2`, [hal.id]);
      expect(row!.status).toBe('queued');
      expect(row!.last_error_code).toMatch(/^(ESOCKET|ECONNREFUSED|ECONNECTION)$/);
    } finally {
      await sink.start();
    }
    const [mail] = await sink.waitFor(email, 1, 30_000);
    tokensSeen.push(linkIn(mail!, PORTAL_LINK));
    await until(async () => (await deliveries(`client_id = $2`, [hal.id]))[0]?.status === 'sent');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.to(email)).toHaveLength(1);
    const [sent] = (await t.db.query(`SELECT secret_enc FROM delivery WHERE practice_id = $1 AND client_id = $2`, [practice.id, hal.id])) as Array<{ secret_enc: Buffer | null }>;
    expect(sent!.secret_enc).toBeNull();
  });

  it('a refused address ends failed, visible to admins (practice-wide) and to the client’s care team only', async () => {
    const email = `ivy.${unique()}@test.example`;
    sink.refuse.add(email);
    const ivy = await clientWithEmail('Ivy Stone', email);
    await (await signIn(t, clinician)).post(`/api/clients/${ivy.id}/portal-link/send`);
    await until(async () => (await deliveries(`client_id = $2`, [ivy.id]))[0]?.status === 'failed');
    expect((await deliveries(`client_id = $2`, [ivy.id]))[0]).toMatchObject({ last_error_code: 'smtp_550', attempts: 1 });

    const seen = async (who: TestStaff) => ((await (await signIn(t, who)).get('/api/deliveries/failed')).body as { items: Array<{ clientId: string; errorCode: string; kind: string }> }).items;
    expect((await seen(admin)).find((i) => i.clientId === ivy.id)).toMatchObject({ errorCode: 'smtp_550', kind: 'portal_link' });
    expect((await seen(clinician)).some((i) => i.clientId === ivy.id)).toBe(true);
    expect((await seen(await newClinician(t.db, practice))).some((i) => i.clientId === ivy.id)).toBe(false);
    const other = await newPractice(t.db);
    expect((await seen(await newAdmin(t.db, other))).length).toBe(0);
    // Keyset pages: one at a time, no repeats.
    const agent = await signIn(t, admin);
    const first = await agent.get('/api/deliveries/failed').query({ limit: '1' });
    expect(first.body.items).toHaveLength(1);
    if (first.body.nextCursor) {
      const second = await agent.get('/api/deliveries/failed').query({ limit: '1', cursor: first.body.nextCursor });
      expect(second.body.items[0]?.id).not.toBe(first.body.items[0].id);
    }
    expect((await agent.get('/api/deliveries/failed').query({ cursor: 'nonsense' })).status).toBe(400);
  });

  it('enqueues in the event’s transaction: an event that rolls back leaves no delivery and no job', async () => {
    const before = (await t.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'delivery'`)) as Array<{ n: number }>;
    const email = `jo.${unique()}@test.example`;
    // A duplicate staff email is refused (409) after nothing was written: and no message is queued.
    await newStaff(t.db, practice, { email });
    expect((await (await signIn(t, admin)).post('/api/staff').send({ email, name: 'Jo Twice', roles: ['clinician'] })).status).toBe(409);
    const after = (await t.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'delivery'`)) as Array<{ n: number }>;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('clinician digest: off by default, at most one a day, counts only', async () => {
    const kim = await newStaff(t.db, practice, { name: 'Kim Vale', roles: ['clinician'] });
    const agent = await signIn(t, kim);
    expect((await agent.get('/api/digest-setting')).body).toEqual({ enabled: false });
    const client = await clientWithEmail('Lee Park', `lee.${unique()}@test.example`, [kim]);
    const a = await agent.post('/api/assignments').send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: MARKER, dueOn: new Date().toISOString().slice(0, 10), recurrence: 'daily', count: 1 });
    expect(a.status).toBe(201);
    await t.db.query(`UPDATE assignment_occurrence SET due_on = due_on - 2, opens_on = opens_on - 2 WHERE assignment_id = $1`, [a.body.id]);
    const clock = t.app.get(Clock);
    const today = new Date().toISOString().slice(0, 10);
    jest.spyOn(clock, 'now').mockReturnValue(new Date(`${today}T12:00:00-05:00`));
    try {
      await t.app.get(RemindersService).tick();
      expect(sink.to(kim.email)).toHaveLength(0);
      expect((await agent.put('/api/digest-setting').send({ enabled: true })).body).toEqual({ enabled: true });
      await t.app.get(RemindersService).tick();
      await t.app.get(RemindersService).tick();
    } finally {
      jest.restoreAllMocks();
    }
    const [mail] = await sink.waitFor(kim.email);
    expect(mail!.subject).toBe('Tandem: 0 new submissions, 1 overdue');
    expect(mail!.text).not.toContain('Lee');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.to(kim.email)).toHaveLength(1);
  });
});
