import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newPractice, portalAs, signIn } from '../support/factories.js';
import { startRecording, stopRecording } from '../../bench/recorder.js';

/**
 * Each request's look-ups: the session, its user and the practice's date are read in one statement,
 * every request (nothing is cached between requests), so a revoked session, a deactivated user, a
 * discharged client or a revoked link is refused on the very next request.
 */
describe('per-request look-ups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** The statements one request sends to PostgreSQL. */
  async function statementsOf(send: () => Promise<{ status: number }>): Promise<{ status: number; texts: string[] }> {
    startRecording();
    try {
      const { status } = await send();
      return { status, texts: stopRecording().map((q) => q.text) };
    } finally {
      stopRecording();
    }
  }
  const readsPracticeDate = (text: string) => /AT TIME ZONE/i.test(text);

  it('a staff page that needs the practice date asks for it with the session, not in a round trip of its own', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    await newClient(t.db, practice, { clinicians: [clinician] });
    const agent = await signIn(t, clinician);
    const { status, texts } = await statementsOf(() => agent.get('/api/clients'));
    expect(status).toBe(200);
    expect(texts.filter(readsPracticeDate)).toHaveLength(1);
    expect(texts.find(readsPracticeDate)).toMatch(/staff_session/);
  });

  it('the portal home reads the practice date with the portal session', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const client = await newClient(t.db, practice, { clinicians: [clinician] });
    const portal = await portalAs(t, client, clinician);
    const { status, texts } = await statementsOf(() => portal.get('/api/portal/home'));
    expect(status).toBe(200);
    expect(texts.filter(readsPracticeDate)).toHaveLength(1);
    expect(texts.find(readsPracticeDate)).toMatch(/portal_session/);
  });

  it('a revoked session and a deactivated user are refused on their next request', async () => {
    const practice = await newPractice(t.db);
    const [a, b] = [await newClinician(t.db, practice), await newClinician(t.db, practice)];
    const [agentA, agentB] = [await signIn(t, a), await signIn(t, b)];
    expect((await agentA.get('/api/clients')).status).toBe(200);
    expect((await agentB.get('/api/clients')).status).toBe(200);
    await t.db.query(`UPDATE staff_session SET revoked_at = now() WHERE practice_id = $1 AND staff_user_id = $2`, [practice.id, a.id]);
    await t.db.query(`UPDATE staff_user SET active = false WHERE practice_id = $1 AND id = $2`, [practice.id, b.id]);
    expect((await agentA.get('/api/clients')).status).toBe(401);
    expect((await agentB.get('/api/clients')).status).toBe(401);
  });

  it('a revoked portal link and a discharged client are refused on their next request', async () => {
    const practice = await newPractice(t.db);
    const clinician = await newClinician(t.db, practice);
    const [one, two] = [await newClient(t.db, practice, { clinicians: [clinician] }), await newClient(t.db, practice, { clinicians: [clinician] })];
    const [portalOne, portalTwo] = [await portalAs(t, one, clinician), await portalAs(t, two, clinician)];
    expect((await portalOne.get('/api/portal/home')).status).toBe(200);
    expect((await portalTwo.get('/api/portal/home')).status).toBe(200);
    await t.db.query(`UPDATE portal_link SET revoked_at = now() WHERE practice_id = $1 AND client_id = $2`, [practice.id, one.id]);
    await t.db.query(`UPDATE client SET status = 'discharged', discharged_at = now() WHERE practice_id = $1 AND id = $2`, [practice.id, two.id]);
    expect((await portalOne.get('/api/portal/home')).status).toBe(401);
    expect((await portalTwo.get('/api/portal/home')).status).toBe(401);
  });
});
