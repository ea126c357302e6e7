import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { newClient, newClinician, newPortalLink, newPractice, type TestStaff } from '../support/factories.js';

/**
 * Portal link look-ups from one address: a network shared by many clients
 * (a clinic, a household) is never locked out by one device guessing, while
 * guessing stays slow. Addresses come from X-Forwarded-For (trusted here), so
 * one app serves several "networks".
 */
describe('portal link look-ups', () => {
  let t: TestApp;
  let clinician: TestStaff;
  let practice: { id: string };

  beforeAll(async () => {
    t = await startTestApp({
      TANDEM_TRUST_PROXY: 'true',
      TANDEM_PORTAL_MAX_FAILED_LOOKUPS: '20',
      TANDEM_PORTAL_LOOKUP_WINDOW_SECONDS: '600',
      TANDEM_PORTAL_LOOKUPS_PER_MINUTE: '40',
      TANDEM_PORTAL_GUESSING_LOOKUPS_PER_MINUTE: '4',
    });
    practice = await newPractice(t.db);
    clinician = await newClinician(t.db, practice);
  });
  afterAll(() => t.close());

  const from = (address: string, token: string) => t.request().get(`/p/${token}`).set('x-forwarded-for', address);
  const guess = (address: string) => from(address, crypto.randomBytes(32).toString('base64url'));
  const validLink = async () => newPortalLink(t.db, await newClient(t.db, practice, { clinicians: [clinician] }), clinician);

  it('after 20 unknown links from one address, valid links from that address still open; further guesses get 429', async () => {
    const clinic = '198.51.100.7';
    for (let i = 0; i < 20; i++) {
      const res = await guess(clinic);
      expect([res.status, res.headers.location]).toEqual([303, '/portal/link-expired']);
    }
    const opened = await from(clinic, await validLink());
    expect(opened.status).toBe(200);
    expect(String(opened.headers['set-cookie'])).toMatch(/tandem_portal=[^;]+;/);

    const refused = await guess(clinic);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(refused.text).toMatch(/wait a few minutes/);

    const again = await from(clinic, await validLink());
    expect(again.status).toBe(200);
    expect(String(again.headers['set-cookie'])).toMatch(/tandem_portal=[^;]+;/);
  });

  it('guessing stays expensive: once an address has failed too often, its look-ups are few per minute, valid or not', async () => {
    const guesser = '203.0.113.9';
    for (let i = 0; i < 20; i++) await guess(guesser);
    // Four look-ups a minute now, whatever they carry.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await guess(guesser)).status);
    expect(statuses).toEqual([429, 429, 429, 429]);
    const lookups = await t.db.query(`SELECT count(*)::int AS n FROM portal_session`);
    const waiting = await from(guesser, await validLink());
    expect(waiting.status).toBe(429);
    const retryAfter = Number(waiting.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM portal_session`)).toEqual(lookups);

    // Another network is not affected.
    const elsewhere = await from('192.0.2.44', await validLink());
    expect(elsewhere.status).toBe(200);
  });

  it('an address that never guesses still has a ceiling of look-ups per minute', async () => {
    const busy = '192.0.2.200';
    const links = await Promise.all(Array.from({ length: 41 }, () => validLink()));
    const statuses: number[] = [];
    for (const link of links) statuses.push((await from(busy, link)).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
  });
});
