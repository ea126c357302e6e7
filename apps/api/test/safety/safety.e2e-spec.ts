import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findBuiltInExercise, validateAnswers, type AlertView, type Answers, type PortalMe } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, portalAs, signIn, type TestPractice, type TestStaff } from '../support/factories.js';
import { day } from '../homework/homework-helpers.js';
import { MailSink } from '../support/mail-sink.js';

/** A complete, valid answer set for a built-in (first choice, lowest rating, plain text), with `overrides`. */
function answersFor(slug: string, overrides: Answers): Answers {
  const exercise = findBuiltInExercise(slug)!;
  const answers: Answers = {};
  for (const step of exercise.steps) {
    if (step.kind === 'info' || !step.required) continue;
    if (step.kind === 'text') answers[step.id] = 'Written plainly.';
    else if (step.kind === 'scale') answers[step.id] = Math.round((step.min + step.max) / 2);
    else if (step.kind === 'single') answers[step.id] = step.options.find((o) => !o.risk)!.id;
    else answers[step.id] = [step.options.find((o) => !o.risk)!.id];
  }
  const all = { ...answers, ...overrides };
  expect(validateAnswers(exercise.steps, all, { mode: 'submit' })).toEqual({ ok: true, errors: {} });
  return all;
}

describe('the safety layer', () => {
  let t: TestApp;
  let practice: TestPractice;
  let clinician: TestStaff;
  let colleague: TestStaff;
  let admin: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    clinician = await newClinician(t.db, practice);
    colleague = await newClinician(t.db, practice);
    admin = await newAdmin(t.db, practice);
  });
  afterAll(() => t.close());

  async function assign(subject: { clientId: string } | { coupleId: string }, slug: string, extra: object = {}) {
    const res = await (await signIn(t, clinician)).post('/api/assignments').send({
      ...subject,
      exerciseId: `builtin:${slug}`,
      instructions: 'Before we meet.',
      dueOn: day(2),
      recurrence: 'once',
      ...extra,
    });
    return res;
  }

  async function submit(portal: Awaited<ReturnType<typeof portalAs>>, assignmentId: string, answers: Answers, submissionId = crypto.randomUUID()) {
    const res = await portal.post(`/api/portal/assignments/${assignmentId}/occurrences/1/submit`).send({ answers, submissionId });
    expect(res.status).toBe(200);
    return submissionId;
  }

  const openAlerts = async (who: TestStaff, query = '') => (await (await signIn(t, who)).get(`/api/alerts${query}`)).body.items as AlertView[];

  it.each([
    ['my-familys-rules-about-feelings', { 'anger-met': ['explosive'] }, /frightening or violent/],
    ['trust-or-communication', { trust: 2 }, /trust in their partner at 2 or below/],
    ['trust-or-communication', { 'safe-to-be-vulnerable': 1 }, /feeling safe with their partner very low/],
    ['my-vulnerability-ladder', { rung: 'stay-present' }, /staying present while their partner is very angry/],
  ] as const)('%s: a flagged answer raises one alert for the client’s care team, and a retry does not raise another', async (slug, flagged, reason) => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const assigned = await assign({ clientId: client.id }, slug);
    expect(assigned.status).toBe(201);
    const portal = await portalAs(t, client, clinician);
    const answers = answersFor(slug, { ...flagged } as Answers);
    const submissionId = await submit(portal, assigned.body.id, answers);
    await submit(portal, assigned.body.id, answers, submissionId);

    const mine = (await openAlerts(clinician, `?clientId=${client.id}`)).filter((a) => a.client.id === client.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ assignmentId: assigned.body.id, seq: 1, client: { id: client.id }, couple: null, acknowledged: null });
    expect(mine[0]!.reasons).toEqual([expect.stringMatching(reason)]);
    expect((await openAlerts(colleague)).some((a) => a.client.id === client.id)).toBe(false);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM alert WHERE client_id = $1`, [client.id]);
    expect(count).toBe(1);
    const raised = await t.db.query(`SELECT detail FROM audit_event WHERE action = 'alert.raised' AND subject_id = $1`, [client.id]);
    expect(raised).toHaveLength(1);
    expect(JSON.stringify(raised)).not.toMatch(reason);
  });

  it('an answer without a flag raises nothing', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const assigned = await assign({ clientId: client.id }, 'trust-or-communication');
    await submit(await portalAs(t, client, clinician), assigned.body.id, answersFor('trust-or-communication', { trust: 3, 'safe-to-be-vulnerable': 3 }));
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM alert WHERE client_id = $1`, [client.id]);
    expect(count).toBe(0);
  });

  it('a partner who says it did not feel safe to speak raises an alert for the couple’s care team, not for a clinician who sees only the other partner', async () => {
    const a = await newClient(t.db, practice, { clinicians: [colleague] });
    const b = await newClient(t.db, practice);
    const couple = await newCouple(t.db, practice, { members: [a, b], clinicians: [clinician], safety: 'cleared' });
    const assigned = await assign({ coupleId: couple.id }, 'the-three-percent-that-is-true');
    expect(assigned.status).toBe(201);
    await submit(await portalAs(t, b, clinician), assigned.body.id, answersFor('the-three-percent-that-is-true', { 'said-aloud': 'unsafe' }));
    const mine = (await openAlerts(clinician)).filter((x) => x.couple?.id === couple.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ client: { id: b.id }, couple: { id: couple.id } });
    expect((await openAlerts(colleague)).some((x) => x.couple?.id === couple.id)).toBe(false);
  });

  it('a clinician acknowledges with a note: audited, encrypted at rest, once; admins see counts and never the alert', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const assigned = await assign({ clientId: client.id }, 'my-familys-rules-about-feelings');
    await submit(await portalAs(t, client, clinician), assigned.body.id, answersFor('my-familys-rules-about-feelings', { 'anger-met': ['explosive'] }));
    const [alert] = (await openAlerts(clinician, `?clientId=${client.id}`)).filter((a) => a.client.id === client.id);

    const asAdmin = await signIn(t, admin);
    const counts = await asAdmin.get('/api/alerts/counts');
    expect(counts.status).toBe(200);
    expect(counts.body.open).toBeGreaterThanOrEqual(1);
    expect((await asAdmin.get('/api/alerts')).status).toBe(403);
    expect((await asAdmin.post(`/api/alerts/${alert!.id}/acknowledge`).send({ note: 'x' })).status).toBe(403);
    expect((await (await signIn(t, colleague)).post(`/api/alerts/${alert!.id}/acknowledge`).send({ note: 'Not mine' })).status).toBe(404);

    const asClinician = await signIn(t, clinician);
    const empty = await asClinician.post(`/api/alerts/${alert!.id}/acknowledge`).send({ note: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.fields.note).toMatch(/short note/);
    const marker = `Called the client ${crypto.randomUUID()}`;
    const acked = await asClinician.post(`/api/alerts/${alert!.id}/acknowledge`).send({ note: marker });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledged).toMatchObject({ by: { id: clinician.id }, note: marker });
    expect((await asClinician.post(`/api/alerts/${alert!.id}/acknowledge`).send({ note: 'Again' })).status).toBe(409);
    expect((await openAlerts(clinician, `?clientId=${client.id}`)).some((a) => a.id === alert!.id)).toBe(false);
    expect((await openAlerts(clinician, `?clientId=${client.id}&status=all`)).find((a) => a.id === alert!.id)!.acknowledged!.note).toBe(marker);

    const stored = await t.db.query(`SELECT * FROM alert WHERE id = $1`, [alert!.id]);
    expect(Buffer.from(JSON.stringify(stored)).includes(marker)).toBe(false);
    expect(JSON.stringify(await t.db.query(`SELECT detail FROM audit_event WHERE record_id = $1`, [alert!.id]))).not.toContain(marker);
    const actions = (await t.db.query(`SELECT action FROM audit_event WHERE record_id = $1 ORDER BY seq`, [alert!.id])).map((r: { action: string }) => r.action);
    expect(actions).toEqual(['alert.raised', 'alert.acknowledged']);
    await expect(t.db.query(`DELETE FROM alert WHERE id = $1`, [alert!.id])).rejects.toThrow(/cannot be deleted/);
    await expect(t.db.query(`UPDATE alert SET note_enc = '\\x00' WHERE id = $1`, [alert!.id])).rejects.toThrow(/cannot be changed/);
  });

  it('the portal carries the practice’s crisis resources: the defaults, then what an admin sets', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const portal = await portalAs(t, client, clinician);
    const before = (await portal.get('/api/portal/me')).body as PortalMe;
    expect(before.crisisResources).toMatchObject({ emergencyNumber: '911', isDefault: true });
    expect(before.crisisResources.lines.map((l) => l.phone)).toEqual(['988', '18007997233']);

    const asAdmin = await signIn(t, admin);
    const bad = await asAdmin.put('/api/practice/crisis-resources').send({ emergencyNumber: 'call us', lines: [{ label: '', phone: 'abc', call: 'yes', text: true }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['emergencyNumber', 'lines.0.call', 'lines.0.label', 'lines.0.phone'].sort());
    expect((await (await signIn(t, clinician)).put('/api/practice/crisis-resources').send({ emergencyNumber: '112', lines: [] })).status).toBe(403);
    const set = await asAdmin.put('/api/practice/crisis-resources').send({
      emergencyNumber: '999',
      lines: [{ label: 'Samaritans', phone: '116123', call: true, text: false }],
    });
    expect(set.status).toBe(200);
    const after = (await portal.get('/api/portal/me')).body as PortalMe;
    expect(after.crisisResources).toEqual({ emergencyNumber: '999', lines: [{ label: 'Samaritans', phone: '116123', call: true, text: false }], isDefault: false });
  });

  it('refuses a sharing mode the exercise does not allow, and shared answers for a couple screened as a concern, with a sentence', async () => {
    const cleared = await newCouple(t.db, practice, { clinicians: [clinician], safety: 'cleared' });
    const shareBreach = await assign({ coupleId: cleared.id }, 'owning-a-breach-of-trust', { sharing: 'reveal-when-both-done' });
    expect(shareBreach.status).toBe(422);
    expect(shareBreach.body.code).toBe('sharing_not_allowed');
    expect(shareBreach.body.message).toMatch(/keeps each partner’s answers private/);
    for (const slug of ['the-three-percent-that-is-true', 'taboo-statements-baby-steps']) {
      expect((await assign({ coupleId: cleared.id }, slug, { sharing: 'reveal-when-both-done' })).status).toBe(422);
      expect((await assign({ coupleId: cleared.id }, slug, { sharing: 'private' })).status).toBe(201);
    }

    const concern = await newCouple(t.db, practice, { clinicians: [clinician], safety: 'concern' });
    for (const slug of ['repair-after-a-small-hurt', 'when-we-miss-each-other', 'share-and-reflect', 'conflict-as-a-doorway', 'playing-the-inner-critic']) {
      const shared = await assign({ coupleId: concern.id }, slug, { sharing: 'reveal-when-both-done' });
      expect({ slug, status: shared.status, code: shared.body.code }).toEqual({ slug, status: 422, code: 'sharing_not_allowed' });
      expect(shared.body.message).toMatch(/safety concern/);
      expect((await assign({ coupleId: concern.id }, slug, { sharing: 'private' })).status).toBe(201);
    }
  });

  it('serves every version of a revised built-in, and assigns the one asked for', async () => {
    const agent = await signIn(t, clinician);
    const v1 = await agent.get('/api/exercises/builtin:repair-after-a-small-hurt/versions/1');
    const current = await agent.get('/api/exercises/builtin:repair-after-a-small-hurt');
    expect(v1.status).toBe(200);
    expect(v1.body.exercise.version).toBe(1);
    expect(current.body.exercise.version).toBe(2);
    expect(current.body.exercise.steps[0].id).toBe('everyday-only');
    expect(v1.body.exercise.steps[0].id).not.toBe('everyday-only');
    const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
    const older = await assign({ coupleId: couple.id }, 'repair-after-a-small-hurt', { exerciseVersion: 1 });
    expect(older.status).toBe(201);
    expect(older.body.exercise.version).toBe(1);
  });

  it('gathers what clients want to bring to their next session, for the care team only', async () => {
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const assigned = await assign({ clientId: client.id }, 'longing-and-fear');
    const marker = `Why Sunday evenings are tense ${crypto.randomUUID()}`;
    await submit(await portalAs(t, client, clinician), assigned.body.id, answersFor('longing-and-fear', { 'bring-to-session': marker }));
    const asClinician = await signIn(t, clinician);
    const brought = await asClinician.get(`/api/assignments/to-bring?clientId=${client.id}`);
    expect(brought.status).toBe(200);
    expect(brought.body.items).toEqual([
      { assignmentId: assigned.body.id, exerciseTitle: 'Longing and fear', person: { id: client.id, name: client.name }, submittedAt: expect.any(String), text: marker },
    ]);
    expect((await asClinician.get(`/api/assignments/to-bring?clientId=${client.id}&since=${day(1)}`)).body.items).toEqual([]);
    expect((await asClinician.get(`/api/assignments/to-bring?clientId=${client.id}&since=2026-13-01`)).status).toBe(400);
    expect((await (await signIn(t, admin)).get(`/api/assignments/to-bring?clientId=${client.id}`)).body.items).toEqual([]);
    expect((await (await signIn(t, colleague)).get(`/api/assignments/to-bring?clientId=${client.id}`)).status).toBe(404);
    const reads = await t.db.query(`SELECT detail FROM audit_event WHERE action = 'response.read' AND subject_id = $1`, [client.id]);
    expect(reads.map((r: { detail: { view?: string } }) => r.detail.view)).toContain('to-bring');
  });
});

describe('a safety alert by email', () => {
  const sink = new MailSink();
  let t: TestApp;

  beforeAll(async () => {
    await sink.start();
    t = await startTestApp({ TANDEM_SMTP_URL: sink.url, TANDEM_MAIL_FROM: 'Tandem <tandem@test.example>', TANDEM_MAIL_RETRY_SECONDS: '1' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('tells the primary clinician, once, that an answer needs them, and nothing of what it says', async () => {
    const practice = await newPractice(t.db);
    const primary = await newClinician(t.db, practice);
    const other = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [primary, other] });
    const assigned = await (await signIn(t, primary))
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:trust-or-communication', instructions: '', dueOn: day(2), recurrence: 'once' });
    expect(assigned.status).toBe(201);
    const marker = `MARKER-${crypto.randomUUID()}`;
    const answers = answersFor('trust-or-communication', { trust: 1, 'why-first': marker, 'one-step': marker });
    const portal = await portalAs(t, client, primary);
    const submissionId = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      expect((await portal.post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`).send({ answers, submissionId })).status).toBe(200);
    }
    const [mail] = await sink.waitFor(primary.email);
    expect(mail!.subject).toBe("Tandem: a client's answer needs your attention");
    for (const secret of [marker, 'Trust or communication', 'trust in their partner', client.name]) expect(mail!.raw).not.toContain(secret);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.to(primary.email)).toHaveLength(1);
    expect(sink.to(other.email)).toHaveLength(0);
  });
});
