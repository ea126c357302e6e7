import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isPortalPage } from '../../src/common/security-headers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The headers every answer carries for safety (common/security-headers.ts), on each kind of page. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const policy = (res: { headers: Record<string, unknown> }) => String(res.headers['content-security-policy']);

  it('portal pages: only our own origin, nothing cached, no address sent on', async () => {
    for (const url of ['/portal', '/portal/link-expired', '/portal/assignments/x/occurrences/1']) {
      const res = await t.request().get(url).set('accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(policy(res)).toContain("default-src 'self'");
      expect(policy(res)).toContain("frame-ancestors 'none'");
    }
  });

  it('dashboard pages and API answers are never stored (the page names the current build\'s files)', async () => {
    const page = await t.request().get('/clients').set('accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(policy(page)).toContain("script-src 'self'");
    const api = await t.request().get('/api/health');
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['x-request-id']).toBeTruthy();
  });

  it('knows the portal’s pages by their address', () => {
    expect(['/portal', '/portal/', '/portal?x=1', '/p/abc'].every(isPortalPage)).toBe(true);
    expect(['/', '/clients', '/portals', '/api/portal/me', '/pa'].some(isPortalPage)).toBe(false);
  });
});
