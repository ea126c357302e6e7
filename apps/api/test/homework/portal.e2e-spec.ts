import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssignmentDetail, PortalHome, PortalOccurrence } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newCouple, newPortalLink, newPractice, openPortal, portalAs, signIn, type TestPractice, type TestStaff } from '../support/factories.js';
import { day, missEachOtherAnswers, smallActsAnswers } from './homework-helpers.js';

describe('the client portal', () => {
  let t: TestApp;
  let practice: TestPractice;
  let clinician: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    clinician = await newClinician(t.db, practice);
  });
  afterAll(() => t.close());

  async function assignTo(subject: { clientId: string } | { coupleId: string }, extra: object = {}): Promise<AssignmentDetail> {
    const res = await (await signIn(t, clinician)).post('/api/assignments').send({
      ...subject,
      exerciseId: 'clientId' in subject ? 'builtin:small-acts-of-care' : 'builtin:when-we-miss-each-other',
      instructions: 'Try it before we meet.',
      dueOn: day(3),
      recurrence: 'weekly',
      count: 2,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body as AssignmentDetail;
  }

  describe('portal links', () => {
    it('a clinician issues a link of the documented form; only its hash is stored; opening it sets a portal cookie and leaves the token behind', async () => {
      const client = await newClient(t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
      const staff = await signIn(t, clinician);
      const issued = await staff.post(`/api/clients/${client.id}/portal-link`).send({});
      expect(issued.status).toBe(201);
      const match = /^http:\/\/127\.0\.0\.1:\d+\/p\/([A-Za-z0-9_-]{43})$/.exec(issued.body.url) ?? /^https?:\/\/[^/]+\/p\/([A-Za-z0-9_-]{43})$/.exec(issued.body.url);
      expect(match).not.toBeNull();
      const token = match![1]!;
      const expiresInDays = (Date.parse(issued.body.expiresAt) - Date.now()) / 86_400_000;
      expect(expiresInDays).toBeGreaterThan(29.9);
      expect(expiresInDays).toBeLessThanOrEqual(30);

      const rows = await t.db.query(`SELECT * FROM portal_link WHERE client_id = $1`, [client.id]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows[0].token_hash.equals(crypto.createHash('sha256').update(token).digest())).toBe(true);

      const agent = t.request();
      const opened = await agent.get(`/p/${token}`);
      // The answer is the portal home with the client's first screen drawn in (a link tapped in a webmail
      // arrives from another site, and the Strict cookie would not ride on a redirect); its script puts
      // `/portal` in the address bar in place of the link.
      expect(opened.status).toBe(200);
      expect(opened.headers.location).toBeUndefined();
      expect(opened.headers['content-type']).toMatch(/text\/html/);
      expect(opened.text).toContain('Hi Grace');
      expect(opened.text).not.toContain(token);
      expect(opened.headers['referrer-policy']).toBe('no-referrer');
      expect(opened.headers['cache-control']).toBe('no-store');
      const cookie = String(opened.headers['set-cookie']);
      expect(cookie).toMatch(/tandem_portal=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/portal/);
      expect(cookie).not.toContain(token);
      // The same session rides to the portal's API and to its pages (which draw the first screen), never elsewhere.
      const cookies = opened.headers['set-cookie'] as unknown as string[];
      expect(cookies.map((c) => /Path=([^;]+)/.exec(c)?.[1]).sort()).toEqual(['/api/portal', '/portal']);
      expect(cookies.every((c) => /HttpOnly/.test(c) && /SameSite=Strict/.test(c))).toBe(true);

      const me = await agent.get('/api/portal/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ clientId: client.id, firstName: 'Grace', practiceName: practice.name, crisisResources: expect.objectContaining({ emergencyNumber: '911' }) });
      expect(me.headers['cache-control']).toBe('no-store');
      expect(me.headers['referrer-policy']).toBe('no-referrer');

      const status = (await staff.get(`/api/clients/${client.id}/portal-link`)).body;
      expect(status.active.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(status)).not.toContain(token);
      const [used] = await t.db.query(`SELECT actor_kind, actor_id FROM audit_event WHERE action = 'portal_link.used' AND subject_id = $1`, [client.id]);
      expect(used).toEqual({ actor_kind: 'portal', actor_id: client.id });
    });

    it('the link keeps working between sessions until it expires (each visit is a new portal session)', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const token = await newPortalLink(t.db, client, clinician);
      await openPortal(t, token);
      const again = await openPortal(t, token);
      expect((await again.get('/api/portal/home')).status).toBe(200);
    });

    it('re-issuing (confirmed) revokes the old link and its sessions; revoking ends them too; the old link shows the kind page', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const staff = await signIn(t, clinician);
      const first = (await staff.post(`/api/clients/${client.id}/portal-link`).send({})).body.url.split('/p/')[1];
      const firstSession = await openPortal(t, first);
      const second = (await staff.post(`/api/clients/${client.id}/portal-link`).send({ replace: true })).body.url.split('/p/')[1];
      expect((await firstSession.get('/api/portal/home')).status).toBe(401);
      const old = await t.request().get(`/p/${first}`);
      expect([old.status, old.headers.location]).toEqual([303, '/portal/link-expired']);

      const secondSession = await openPortal(t, second);
      expect((await secondSession.get('/api/portal/home')).status).toBe(200);
      expect((await staff.delete(`/api/clients/${client.id}/portal-link`)).status).toBe(204);
      expect((await secondSession.get('/api/portal/home')).status).toBe(401);
      expect((await t.request().get(`/p/${second}`)).headers.location).toBe('/portal/link-expired');
      expect((await staff.get(`/api/clients/${client.id}/portal-link`)).body).toEqual({ active: null, canShare: true });
      const actions = (await t.db.query(`SELECT action FROM audit_event WHERE subject_id = $1 AND action LIKE 'portal_link.%' ORDER BY seq`, [client.id])).map(
        (r: { action: string }) => r.action,
      );
      expect(actions).toEqual(['portal_link.issued', 'portal_link.used', 'portal_link.revoked', 'portal_link.issued', 'portal_link.used', 'portal_link.revoked']);
    });

    it('an expired link, or one for a discharged client, shows nothing about anyone', async () => {
      const client = await newClient(t.db, practice, { name: 'Expired Person', clinicians: [clinician] });
      const expired = await newPortalLink(t.db, client, clinician, { expiresAt: new Date(Date.now() - 1000) });
      const res = await t.request().get(`/p/${expired}`);
      expect([res.status, res.headers.location]).toEqual([303, '/portal/link-expired']);
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/tandem_portal=[^;]+;/);
      expect(JSON.stringify(res.headers) + res.text).not.toContain('Expired');

      const discharged = await newClient(t.db, practice, { clinicians: [clinician] });
      const token = await newPortalLink(t.db, discharged, clinician);
      const session = await openPortal(t, token);
      await t.db.query(`UPDATE client SET status = 'discharged', discharged_at = now() WHERE id = $1`, [discharged.id]);
      expect((await session.get('/api/portal/home')).status).toBe(401);
      expect((await t.request().get(`/p/${token}`)).headers.location).toBe('/portal/link-expired');
      expect((await (await signIn(t, clinician)).post(`/api/clients/${discharged.id}/portal-link`).send({})).status).toBe(422);
    });
  });

  describe('doing homework', () => {
    it('the home page lists what is due, then what is done; future occurrences are not shown yet', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      let home = (await portal.get('/api/portal/home')).body as PortalHome;
      expect(home.todo).toEqual([{ assignmentId: a.id, seq: 1, title: 'Small acts of care (daily)', minutes: 5, dueOn: day(3), status: 'assigned', submittedAt: null, withPartner: false }]);
      expect(home.done).toEqual([]);
      expect((await portal.get(`/api/portal/assignments/${a.id}/occurrences/2`)).status).toBe(404);

      await portal.post(`/api/portal/assignments/${a.id}/occurrences/1/submit`).send({ answers: smallActsAnswers(6), submissionId: crypto.randomUUID() });
      home = (await portal.get('/api/portal/home')).body as PortalHome;
      expect(home.todo).toEqual([]);
      expect(home.done.map((d) => [d.assignmentId, d.seq, d.status])).toEqual([[a.id, 1, 'done']]);
    });

    it('drafts save as the client types, come back after a reload, and are checked with the shared validation', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      const url = `/api/portal/assignments/${a.id}/occurrences/1`;

      const saved = await portal.put(`${url}/draft`).send({ answers: { detail: 'DRAFT-MARKER-7731 made soup' }, version: 0 });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ version: 1, status: 'draft', submittedAt: null });

      const reloaded = (await portal.get(url)).body as PortalOccurrence;
      expect(reloaded).toMatchObject({ answers: { detail: 'DRAFT-MARKER-7731 made soup' }, version: 1, status: 'in-progress', instructions: 'Try it before we meet.' });
      expect(reloaded.steps.length).toBeGreaterThan(3);

      const stale = await portal.put(`${url}/draft`).send({ answers: { detail: 'from another tab' }, version: 0 });
      expect(stale.status).toBe(409);
      const invalid = await portal.put(`${url}/draft`).send({ answers: { connection: 11, nonsense: 'x' }, version: 1 });
      expect(invalid.status).toBe(400);
      expect(invalid.body.fields['answers.connection']).toMatch(/how connected have you felt.*whole number from 0 to 10/);
      expect(invalid.body.fields['answers.nonsense']).toMatch(/belongs to no step/);
      expect((await portal.get(url)).body.answers).toEqual({ detail: 'DRAFT-MARKER-7731 made soup' });

      const dump = JSON.stringify(await t.db.query(`SELECT * FROM response`));
      expect(dump).not.toContain('DRAFT-MARKER-7731');
    });

    it('a submission needs every required answer, and the client is told which', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      const res = await portal.post(`/api/portal/assignments/${a.id}/occurrences/1/submit`).send({ answers: { detail: 'Made tea.' }, submissionId: crypto.randomUUID() });
      expect(res.status).toBe(400);
      expect(res.body.fields['answers.act']).toMatch(/needs an answer before you submit/);
      expect(await t.db.query(`SELECT 1 FROM response WHERE assignment_id = $1`, [a.id])).toHaveLength(0);
    });

    it('submitting is idempotent: a retry never makes a second response, and a different submission is refused', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      const url = `/api/portal/assignments/${a.id}/occurrences/1`;
      await portal.put(`${url}/draft`).send({ answers: { detail: 'half done' }, version: 0 });
      const submissionId = crypto.randomUUID();
      const body = { answers: smallActsAnswers(8), submissionId };
      const [first, concurrent] = await Promise.all([portal.post(`${url}/submit`).send(body), portal.post(`${url}/submit`).send(body)]);
      expect([first.status, concurrent.status]).toEqual([200, 200]);
      expect(concurrent.body.submittedAt).toBe(first.body.submittedAt);
      const retry = await portal.post(`${url}/submit`).send(body);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);

      const rows = await t.db.query(`SELECT status FROM response WHERE assignment_id = $1 AND seq = 1`, [a.id]);
      expect(rows).toEqual([{ status: 'submitted' }]);
      const [occurrence] = await t.db.query(`SELECT pending FROM assignment_occurrence WHERE assignment_id = $1 AND seq = 1`, [a.id]);
      expect(occurrence.pending).toBe(0);
      expect(await t.db.query(`SELECT 1 FROM audit_event WHERE action = 'response.submitted' AND record_id = $1`, [a.id])).toHaveLength(1);

      const other = await portal.post(`${url}/submit`).send({ answers: smallActsAnswers(2), submissionId: crypto.randomUUID() });
      expect(other.status).toBe(409);
      expect((await portal.put(`${url}/draft`).send({ answers: {}, version: retry.body.version })).status).toBe(409);
      expect((await portal.get(url)).body.answers.connection).toBe(8);
    });

    it('the database refuses changes to a submitted response', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      await portal.post(`/api/portal/assignments/${a.id}/occurrences/1/submit`).send({ answers: smallActsAnswers(5), submissionId: crypto.randomUUID() });
      await expect(t.db.query(`UPDATE response SET version = version + 1 WHERE assignment_id = $1`, [a.id])).rejects.toThrow(/cannot be changed/);
      await expect(t.db.query(`DELETE FROM response WHERE assignment_id = $1`, [a.id])).rejects.toThrow(/cannot be deleted/);
    });

    it('a cancelled exercise can no longer be saved, and leaves the list', async () => {
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assignTo({ clientId: client.id });
      const portal = await portalAs(t, client, clinician);
      await (await signIn(t, clinician)).post(`/api/assignments/${a.id}/cancel`).send({ version: a.version });
      const res = await portal.put(`/api/portal/assignments/${a.id}/occurrences/1/draft`).send({ answers: {}, version: 0 });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('cancelled');
      expect(((await portal.get('/api/portal/home')).body as PortalHome).todo).toEqual([]);
    });

    it('a portal session reaches only its own client’s homework: every other id is a 404, and no staff route answers', async () => {
      const mine = await newClient(t.db, practice, { clinicians: [clinician] });
      const theirs = await newClient(t.db, practice, { clinicians: [clinician] });
      const theirAssignment = await assignTo({ clientId: theirs.id });
      const portal = await portalAs(t, mine, clinician);
      const url = `/api/portal/assignments/${theirAssignment.id}/occurrences/1`;
      expect((await portal.get(url)).status).toBe(404);
      expect((await portal.put(`${url}/draft`).send({ answers: {}, version: 0 })).status).toBe(404);
      expect((await portal.post(`${url}/submit`).send({ answers: smallActsAnswers(1), submissionId: crypto.randomUUID() })).status).toBe(404);
      expect((await portal.get(`/api/portal/assignments/${crypto.randomUUID()}/occurrences/1`)).status).toBe(404);
      expect((await portal.get(`/api/portal/assignments/${theirAssignment.id}/occurrences/abc`)).status).toBe(404);
      for (const path of [`/api/clients/${mine.id}`, `/api/assignments/${theirAssignment.id}`, '/api/auth/me']) {
        expect((await portal.get(path)).status).toBe(401);
      }
      expect(await t.db.query(`SELECT 1 FROM response WHERE assignment_id = $1`, [theirAssignment.id])).toHaveLength(0);
    });
  });

  describe('couples', () => {
    async function coupleWith(sharing: 'private' | 'reveal-when-both-done') {
      const couple = await newCouple(t.db, practice, { clinicians: [clinician] });
      await t.db.query(`UPDATE client SET name = 'Priya Raman' WHERE id = $1`, [couple.memberIds[0]]);
      await t.db.query(`UPDATE client SET name = 'Dan Okafor' WHERE id = $1`, [couple.memberIds[1]]);
      const a = await assignTo({ coupleId: couple.id }, { sharing });
      const [priya, dan] = await Promise.all(couple.memberIds.map((id) => portalAs(t, { id, practiceId: practice.id }, clinician)));
      return { a, priya: priya!, dan: dan!, url: `/api/portal/assignments/${a.id}/occurrences/1` };
    }

    it('reveal-when-both-done: each partner answers separately and sees the other’s answers only once both have submitted', async () => {
      const { priya, dan, url } = await coupleWith('reveal-when-both-done');
      await priya.post(`${url}/submit`).send({ answers: missEachOtherAnswers(4, 'PRIYA-ANSWER'), submissionId: crypto.randomUUID() });
      let seenByPriya = (await priya.get(url)).body as PortalOccurrence;
      expect(seenByPriya.partners).toEqual([{ firstName: 'Dan', done: false, answers: null }]);
      let seenByDan = (await dan.get(url)).body as PortalOccurrence;
      expect(seenByDan.partners).toEqual([{ firstName: 'Priya', done: true, answers: null }]);
      expect(JSON.stringify(seenByDan)).not.toContain('PRIYA-ANSWER');

      await dan.post(`${url}/submit`).send({ answers: missEachOtherAnswers(9, 'DAN-ANSWER'), submissionId: crypto.randomUUID() });
      seenByPriya = (await priya.get(url)).body as PortalOccurrence;
      expect(seenByPriya.partners).toEqual([{ firstName: 'Dan', done: true, answers: expect.objectContaining({ conflict: 'We argued about DAN-ANSWER.', understood: 9 }) }]);
      seenByDan = (await dan.get(url)).body as PortalOccurrence;
      expect(seenByDan.partners[0]!.answers).toMatchObject({ understood: 4 });
      expect(JSON.stringify(seenByDan)).not.toContain('Raman');
    });

    it('private: partners never see each other’s answers, only whether they are done', async () => {
      const { priya, dan, url } = await coupleWith('private');
      await priya.post(`${url}/submit`).send({ answers: missEachOtherAnswers(4, 'PRIYA-PRIVATE'), submissionId: crypto.randomUUID() });
      await dan.post(`${url}/submit`).send({ answers: missEachOtherAnswers(9, 'DAN-PRIVATE'), submissionId: crypto.randomUUID() });
      const seenByPriya = (await priya.get(url)).body as PortalOccurrence;
      expect(seenByPriya.partners).toEqual([{ firstName: 'Dan', done: true, answers: null }]);
      expect(JSON.stringify(seenByPriya)).not.toContain('DAN-PRIVATE');
    });
  });

  it('a full portal visit writes no token, answer or name to the logs', async () => {
    const client = await newClient(t.db, practice, { name: 'Lena Marsh', clinicians: [clinician] });
    const a = await assignTo({ clientId: client.id });
    const staff = await signIn(t, clinician);
    const before = t.rawLogs.length;
    const token = (await staff.post(`/api/clients/${client.id}/portal-link`).send({})).body.url.split('/p/')[1] as string;
    const portal = await openPortal(t, token);
    await portal.get('/api/portal/me');
    await portal.get('/api/portal/home');
    const url = `/api/portal/assignments/${a.id}/occurrences/1`;
    await portal.get(url);
    await portal.put(`${url}/draft`).send({ answers: { detail: 'LOG-MARKER-4411' }, version: 0 });
    await portal.put(`${url}/draft`).send({ answers: { connection: 99 }, version: 1 });
    await portal.post(`${url}/submit`).send({ answers: smallActsAnswers(3, 'LOG-MARKER-4411'), submissionId: crypto.randomUUID() });
    await staff.get(`/api/assignments/${a.id}`);
    await t.request().get(`/p/${token.slice(0, 42)}x`);
    const written = t.rawLogs.slice(before).join('\n');
    expect(written.length).toBeGreaterThan(0);
    expect(written).toContain('/p/:token');
    expect(written).not.toContain(token);
    expect(written).not.toContain(token.slice(0, 20));
    expect(written).not.toContain('LOG-MARKER-4411');
    expect(written).not.toContain('Lena');
  });
});
