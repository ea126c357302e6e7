import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssignmentDetail, PortalHome, PortalOccurrence } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  newAdmin,
  newClient,
  newClinician,
  newCouple,
  newPortalLink,
  newPractice,
  newStaff,
  openPortal,
  portalAs,
  signIn,
  type TestPractice,
  type TestStaff,
} from '../support/factories.js';
import { day, missEachOtherAnswers, smallActsAnswers } from './homework-helpers.js';

/**
 * A portal link never lets whoever holds it read more than they may read in
 * the dashboard; leaving a couple and discharge end portal access at once
 * and for good.
 */
describe('portal links and the access rules', () => {
  let t: TestApp;
  let practice: TestPractice;
  let admin: TestStaff;

  beforeAll(async () => {
    t = await startTestApp();
    practice = await newPractice(t.db);
    admin = await newAdmin(t.db, practice);
  });
  afterAll(() => t.close());

  const tokenOf = (url: string) => url.split('/p/')[1]!;
  const auditOf = async (clientId: string) =>
    (await t.db.query(`SELECT action, actor_kind, actor_id, record_id, detail FROM audit_event WHERE subject_id = $1 AND action LIKE 'portal_link.%' ORDER BY seq`, [
      clientId,
    ])) as Array<{ action: string; actor_kind: string; actor_id: string; record_id: string; detail: Record<string, unknown> }>;

  async function assign(clinician: TestStaff, subject: { clientId: string } | { coupleId: string }, marker = 'Before we meet.'): Promise<AssignmentDetail> {
    const res = await (await signIn(t, clinician)).post('/api/assignments').send({
      ...subject,
      exerciseId: 'clientId' in subject ? 'builtin:small-acts-of-care' : 'builtin:when-we-miss-each-other',
      instructions: marker,
      dueOn: day(3),
      ...('coupleId' in subject ? { recurrence: 'once', sharing: 'reveal-when-both-done' } : { recurrence: 'weekly', count: 1 }),
    });
    expect(res.status).toBe(201);
    return res.body as AssignmentDetail;
  }

  describe('who may see or copy a working link', () => {
    it('an admin who is not on the care team can neither issue, nor copy, nor read answers through a link; the client’s own link keeps working', async () => {
      const clinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const a = await assign(clinician, { clientId: client.id });
      const clientsLink = await newPortalLink(t.db, client, clinician);
      const clientsPortal = await openPortal(t, clientsLink);
      await clientsPortal
        .post(`/api/portal/assignments/${a.id}/occurrences/1/submit`)
        .send({ answers: smallActsAnswers(6, 'ADMIN-MUST-NOT-READ'), submissionId: crypto.randomUUID() });

      const desk = await signIn(t, admin);
      // The admin reads the record and sees a link exists, but is told they may not share it.
      const status = await desk.get(`/api/clients/${client.id}/portal-link`);
      expect(status.status).toBe(200);
      expect(status.body.canShare).toBe(false);
      expect(status.body.active).not.toBeNull();
      const issued = await desk.post(`/api/clients/${client.id}/portal-link`).send({ replace: true });
      expect(issued.status).toBe(403);
      expect(JSON.stringify(issued.body)).not.toMatch(/\/p\//);
      expect((await desk.post(`/api/clients/${client.id}/portal-link/copied`)).status).toBe(403);
      // Nothing changed for the client.
      expect((await clientsPortal.get('/api/portal/home')).status).toBe(200);
      expect((await auditOf(client.id)).map((e) => e.action)).toEqual(['portal_link.used']);

      // An admin who is also a clinician on the care team is on the care team: they may.
      const owner = await newStaff(t.db, practice, { roles: ['admin', 'clinician'] });
      const owned = await newClient(t.db, practice, { clinicians: [owner] });
      const ownerDesk = await signIn(t, owner);
      expect((await ownerDesk.get(`/api/clients/${owned.id}/portal-link`)).body.canShare).toBe(true);
      expect((await ownerDesk.post(`/api/clients/${owned.id}/portal-link`).send({})).status).toBe(201);
    });

    it('a couple’s clinician who is not on a partner’s own care team cannot issue or copy that partner’s link, and so cannot read their individual homework', async () => {
      const individual = await newClinician(t.db, practice);
      const couplesClinician = await newClinician(t.db, practice);
      const partner = await newClient(t.db, practice, { clinicians: [individual] });
      const other = await newClient(t.db, practice);
      await newCouple(t.db, practice, { members: [partner, other], clinicians: [couplesClinician] });
      await assign(individual, { clientId: partner.id }, 'INDIVIDUAL-HOMEWORK');

      const desk = await signIn(t, couplesClinician);
      // Same answer as the dashboard gives for the individual homework itself.
      expect((await desk.get('/api/assignments').query({ clientId: partner.id })).status).toBe(404);
      expect((await desk.get(`/api/clients/${partner.id}`)).body.access).toBe('via-couple');
      const status = await desk.get(`/api/clients/${partner.id}/portal-link`);
      expect(status.body).toEqual({ active: null, canShare: false });
      const refused = await desk.post(`/api/clients/${partner.id}/portal-link`).send({});
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/own care team/);
      expect(await t.db.query(`SELECT 1 FROM portal_link WHERE client_id = $1`, [partner.id])).toHaveLength(0);

      // A clinician of the same practice who does not see the client at all finds nothing there.
      const outsider = await signIn(t, await newClinician(t.db, practice));
      expect((await outsider.post(`/api/clients/${partner.id}/portal-link`).send({})).status).toBe(404);
      expect((await outsider.post(`/api/clients/${partner.id}/portal-link/copied`)).status).toBe(404);
      expect((await outsider.get(`/api/clients/${partner.id}/portal-link`)).status).toBe(404);
    });

    it('the individual clinician who is not on the couple’s care team may not share the link either: it also opens the couple’s homework', async () => {
      const individual = await newClinician(t.db, practice);
      const couplesClinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [individual] });
      const couple = await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [couplesClinician] });
      const desk = await signIn(t, individual);
      expect((await desk.get('/api/assignments').query({ coupleId: couple.id })).status).toBe(404);
      expect((await desk.get(`/api/clients/${client.id}/portal-link`)).body.canShare).toBe(false);
      expect((await desk.post(`/api/clients/${client.id}/portal-link`).send({})).status).toBe(403);

      // On both care teams: everything the link opens is theirs to read, so they may.
      const both = await newClinician(t.db, practice);
      const shared = await newClient(t.db, practice, { clinicians: [both] });
      await newCouple(t.db, practice, { members: [shared, await newClient(t.db, practice)], clinicians: [both] });
      const bothDesk = await signIn(t, both);
      expect((await bothDesk.get(`/api/clients/${shared.id}/portal-link`)).body.canShare).toBe(true);
      expect((await bothDesk.post(`/api/clients/${shared.id}/portal-link`).send({})).status).toBe(201);
    });

    it('replacing a working link needs an explicit confirmation, and is on record with who did it; copying is on record too', async () => {
      const clinician = await newClinician(t.db, practice);
      const colleague = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician, colleague] });
      const desk = await signIn(t, clinician);
      const first = await desk.post(`/api/clients/${client.id}/portal-link`).send({});
      expect(first.status).toBe(201);
      const firstSession = await openPortal(t, tokenOf(first.body.url));
      expect((await desk.post(`/api/clients/${client.id}/portal-link/copied`)).status).toBe(204);

      const colleagueDesk = await signIn(t, colleague);
      for (const body of [{}, { replace: false }]) {
        const refused = await colleagueDesk.post(`/api/clients/${client.id}/portal-link`).send(body);
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('link_active');
        expect(refused.body.message).toMatch(/may be using it/);
      }
      expect((await colleagueDesk.post(`/api/clients/${client.id}/portal-link`).send({ replace: 'yes' })).status).toBe(400);
      expect((await firstSession.get('/api/portal/home')).status).toBe(200);

      const second = await colleagueDesk.post(`/api/clients/${client.id}/portal-link`).send({ replace: true });
      expect(second.status).toBe(201);
      expect((await firstSession.get('/api/portal/home')).status).toBe(401);
      expect((await t.request().get(`/p/${tokenOf(first.body.url)}`)).headers.location).toBe('/portal/link-expired');
      await openPortal(t, tokenOf(second.body.url));

      const [firstLink] = await t.db.query(`SELECT id, revoked_by FROM portal_link WHERE client_id = $1 ORDER BY created_at LIMIT 1`, [client.id]);
      expect(firstLink.revoked_by).toBe(colleague.id);
      const events = await auditOf(client.id);
      expect(events.map((e) => [e.action, e.actor_kind, e.actor_id])).toEqual([
        ['portal_link.issued', 'staff', clinician.id],
        ['portal_link.used', 'portal', client.id],
        ['portal_link.copied', 'staff', clinician.id],
        ['portal_link.revoked', 'staff', colleague.id],
        ['portal_link.issued', 'staff', colleague.id],
        ['portal_link.used', 'portal', client.id],
      ]);
      expect(events[3]!.record_id).toBe(firstLink.id);
      expect(events[3]!.detail).toEqual({ replaced: true });
      expect(events[4]!.detail).toEqual({ replaced: true });

      // With no working link there is nothing to copy.
      expect((await desk.delete(`/api/clients/${client.id}/portal-link`)).status).toBe(204);
      const nothing = await desk.post(`/api/clients/${client.id}/portal-link/copied`);
      expect([nothing.status, nothing.body.code]).toEqual([409, 'no_active_link']);
      // And after a revocation a new link needs no confirmation.
      expect((await desk.post(`/api/clients/${client.id}/portal-link`).send({})).status).toBe(201);
    });
  });

  describe('leaving a couple', () => {
    it('a client removed from a couple loses its homework in the portal at once, including what the others submit afterwards', async () => {
      const clinician = await newClinician(t.db, practice);
      const [ana, ben, cal] = [
        await newClient(t.db, practice, { name: 'Ana Stone' }),
        await newClient(t.db, practice, { name: 'Ben Stone' }),
        await newClient(t.db, practice, { name: 'Cal Moss' }),
      ];
      const couple = await newCouple(t.db, practice, { members: [ana!, ben!, cal!], clinicians: [clinician] });
      const before = await assign(clinician, { coupleId: couple.id });
      const url = (a: AssignmentDetail) => `/api/portal/assignments/${a.id}/occurrences/1`;
      const [asAna, asBen, asCal] = await Promise.all([ana!, ben!, cal!].map((c) => portalAs(t, c, clinician)));
      // Cal answered while still a member.
      const submitted = await asCal!.post(`${url(before)}/submit`).send({ answers: missEachOtherAnswers(5, 'CAL-BEFORE'), submissionId: crypto.randomUUID() });
      expect(submitted.status).toBe(200);
      expect(((await asCal!.get('/api/portal/home')).body as PortalHome).done.map((d) => d.assignmentId)).toEqual([before.id]);

      const removed = await (await signIn(t, admin)).delete(`/api/couples/${couple.id}/members/${cal!.id}`);
      expect(removed.status).toBe(200);

      // The others answer after Cal left.
      for (const [agent, marker] of [[asAna!, 'ANA-AFTER'], [asBen!, 'BEN-AFTER']] as const) {
        const res = await agent.post(`${url(before)}/submit`).send({ answers: missEachOtherAnswers(8, marker), submissionId: crypto.randomUUID() });
        expect(res.status).toBe(200);
      }
      const after = await assign(clinician, { coupleId: couple.id });

      // Cal's portal session still works, for nothing of the couple's.
      const home = (await asCal!.get('/api/portal/home')).body as PortalHome;
      expect(home).toEqual({ todo: [], done: [] });
      expect((await asCal!.get('/api/portal/history')).body.items).toEqual([]);
      for (const a of [before, after]) {
        const read = await asCal!.get(url(a));
        expect(read.status).toBe(404);
        expect(JSON.stringify(read.body)).not.toMatch(/ANA-AFTER|BEN-AFTER|CAL-BEFORE/);
        expect((await asCal!.put(`${url(a)}/draft`).send({ answers: { conflict: 'x' }, version: 0 })).status).toBe(404);
        expect((await asCal!.post(`${url(a)}/submit`).send({ answers: missEachOtherAnswers(1), submissionId: crypto.randomUUID() })).status).toBe(404);
      }

      // The remaining partners see each other once both are done; Cal is no longer among their partners.
      const seenByAna = (await asAna!.get(url(before))).body as PortalOccurrence;
      expect(seenByAna.partners.map((p) => [p.firstName, p.done])).toEqual([['Ben', true]]);
      expect(JSON.stringify(seenByAna)).toContain('BEN-AFTER');
      expect(JSON.stringify(seenByAna)).not.toContain('CAL-BEFORE');
      expect(((await asAna!.get('/api/portal/home')).body as PortalHome).todo.map((i) => i.assignmentId)).toEqual([after.id]);
    });
  });

  describe('discharge', () => {
    it('ends portal sessions and links for good: reactivating revives neither, and a new link is needed', async () => {
      const clinician = await newClinician(t.db, practice);
      const client = await newClient(t.db, practice, { clinicians: [clinician] });
      const desk = await signIn(t, clinician);
      const link = tokenOf((await desk.post(`/api/clients/${client.id}/portal-link`).send({})).body.url);
      const session = await openPortal(t, link);

      expect((await desk.post(`/api/clients/${client.id}/discharge`)).status).toBe(200);
      expect((await session.get('/api/portal/home')).status).toBe(401);
      expect((await t.request().get(`/p/${link}`)).headers.location).toBe('/portal/link-expired');

      expect((await desk.post(`/api/clients/${client.id}/reactivate`)).status).toBe(200);
      expect((await session.get('/api/portal/home')).status).toBe(401);
      expect((await t.request().get(`/p/${link}`)).headers.location).toBe('/portal/link-expired');
      expect((await desk.get(`/api/clients/${client.id}/portal-link`)).body.active).toBeNull();

      const events = await t.db.query(
        `SELECT action, actor_id, detail FROM audit_event WHERE subject_id = $1 AND action IN ('client.discharged', 'portal_link.revoked') ORDER BY seq`,
        [client.id],
      );
      expect(events).toEqual([
        { action: 'client.discharged', actor_id: clinician.id, detail: { homeworkCancelled: 0 } },
        { action: 'portal_link.revoked', actor_id: clinician.id, detail: { discharged: true } },
      ]);

      // A new link, no confirmation needed: the old one is gone.
      const fresh = await desk.post(`/api/clients/${client.id}/portal-link`).send({});
      expect(fresh.status).toBe(201);
      expect((await (await openPortal(t, tokenOf(fresh.body.url))).get('/api/portal/home')).status).toBe(200);
    });
  });
});
