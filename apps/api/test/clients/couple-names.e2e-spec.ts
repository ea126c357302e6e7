import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClientDetail, ClientSummary, Page } from '@tandem/shared';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newAdmin, newClient, newClinician, newCouple, newPractice, signIn, type TestClient, type TestStaff } from '../support/factories.js';

/**
 * A couple's name usually names the partner. It is shown only to those who
 * may open the couple: admins and the couple's care team, not a clinician who
 * treats one partner individually.
 */
describe('couple names in client records', () => {
  let t: TestApp;
  let admin: TestStaff;
  let individual: TestStaff;
  let couplesClinician: TestStaff;
  let client: TestClient;
  let former: { id: string };
  let formerOwn: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    const practice = await newPractice(t.db);
    admin = await newAdmin(t.db, practice);
    individual = await newClinician(t.db, practice);
    couplesClinician = await newClinician(t.db, practice);
    client = await newClient(t.db, practice, { name: 'Priya Raman', clinicians: [individual] });
    await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [couplesClinician], displayName: 'Priya & Dan' });
    // A couple Priya has left, of someone else's care team, and one of the individual clinician's own.
    former = await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [couplesClinician], displayName: 'Priya & Sam' });
    formerOwn = await newCouple(t.db, practice, { members: [client, await newClient(t.db, practice)], clinicians: [individual], displayName: 'Priya & Lee' });
    await t.db.query(`UPDATE couple_member SET left_at = now() WHERE client_id = $1 AND couple_id = ANY($2::uuid[])`, [client.id, [former.id, formerOwn.id]]);
  });
  afterAll(() => t.close());

  const names = (c: ClientSummary) => c.couples.map((x) => x.displayName);

  it('the individual clinician sees no name of a couple whose care team they are not on: not in the record, its history, or the list', async () => {
    const desk = await signIn(t, individual);
    const detail = (await desk.get(`/api/clients/${client.id}`)).body as ClientDetail;
    expect(detail.access).toBe('care-team');
    expect(names(detail)).toEqual([]);
    expect(detail.coupleHistory.map((h) => [h.displayName, h.leftAt !== null])).toEqual([['Priya & Lee', true]]);
    expect(JSON.stringify(detail)).not.toMatch(/Priya & Dan|Priya & Sam/);
    for (const sort of ['name', 'recent']) {
      const list = (await desk.get('/api/clients').query({ sort })).body as Page<ClientSummary>;
      const row = list.items.find((c) => c.id === client.id)!;
      expect(names(row)).toEqual([]);
      expect(JSON.stringify(list)).not.toMatch(/Priya & Dan|Priya & Sam/);
    }
    // "Has a couple" answers for the couples they may see, so the filter tells nothing either.
    const withCouple = (await desk.get('/api/clients').query({ hasCouple: 'true' })).body as Page<ClientSummary>;
    expect(withCouple.items.map((c) => c.id)).not.toContain(client.id);
    const withoutCouple = (await desk.get('/api/clients').query({ hasCouple: 'false' })).body as Page<ClientSummary>;
    expect(withoutCouple.items.map((c) => c.id)).toContain(client.id);
  });

  it('the couple’s clinician and an admin see the couple they may open', async () => {
    const viaCouple = (await (await signIn(t, couplesClinician)).get(`/api/clients/${client.id}`)).body as ClientDetail;
    expect(viaCouple.access).toBe('via-couple');
    expect(names(viaCouple)).toEqual(['Priya & Dan']);
    expect(viaCouple.coupleHistory.map((h) => h.displayName).sort()).toEqual(['Priya & Dan', 'Priya & Sam']);
    const list = (await (await signIn(t, couplesClinician)).get('/api/clients').query({ hasCouple: 'true' })).body as Page<ClientSummary>;
    expect(names(list.items.find((c) => c.id === client.id)!)).toEqual(['Priya & Dan']);

    const asAdmin = (await (await signIn(t, admin)).get(`/api/clients/${client.id}`)).body as ClientDetail;
    expect(names(asAdmin)).toEqual(['Priya & Dan']);
    expect(asAdmin.coupleHistory.map((h) => h.displayName).sort()).toEqual(['Priya & Dan', 'Priya & Lee', 'Priya & Sam']);
    const adminList = (await (await signIn(t, admin)).get('/api/clients')).body as Page<ClientSummary>;
    expect(names(adminList.items.find((c) => c.id === client.id)!)).toEqual(['Priya & Dan']);
  });
});
