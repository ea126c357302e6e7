import { describe, expect, it } from '@jest/globals';
import { newAdmin, newClient, newPractice, newStaff } from '../../api/test/support/factories.js';
import { signInAs, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('email that did not arrive, in a real browser', () => {
  const env = useBrowserApp();

  it('shows the care team and the admins which emails failed or were refused, without addresses, one click from the client', async () => {
    const practice = await newPractice(env.t.db);
    const admin = await newAdmin(env.t.db, practice);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const outsider = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    await env.t.db.query(
      `INSERT INTO delivery (practice_id, dedupe_key, message_kind, recipient_kind, recipient_id, client_id, status, attempts, last_error_code, ended_at)
       VALUES ($1, 'test:bounced', 'homework_due', 'client', $2, $2, 'failed', 8, 'smtp_550', now()),
              ($1, 'test:opted-out', 'portal_link', 'client', $2, $2, 'opted_out', 0, 'opted_out', now())`,
      [practice.id, client.id],
    );

    const desk = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(desk);
    const panel = desk.getByRole('region', { name: 'Email that did not arrive' });
    await panel.getByText(/homework reminder failed after 8 tries/).waitFor();
    await panel.getByText(/portal link not sent \(they unsubscribed\)/).waitFor();
    expect(await panel.getByRole('link', { name: 'Grace Liu' }).first().getAttribute('href')).toBe(`/clients/${client.id}`);
    expect(await panel.textContent()).not.toMatch(/@/);

    const asAdmin = await signInAs(env.browser, env.baseUrl, admin);
    await asAdmin.getByRole('region', { name: 'Email that did not arrive' }).getByText(/homework reminder failed after 8 tries/).waitFor();

    const other = await signInAs(env.browser, env.baseUrl, outsider);
    await other.getByRole('heading', { name: /^Welcome/ }).waitFor();
    await other.waitForLoadState('networkidle');
    expect(await other.getByRole('region', { name: 'Email that did not arrive' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
