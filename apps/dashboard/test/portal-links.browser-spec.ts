import { describe, expect, it } from '@jest/globals';
import type { Dialog } from 'playwright-core';
import { newAdmin, newClient, newCouple, newPractice, newStaff } from '../../api/test/support/factories.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('the portal-link panel, in a real browser', () => {
  const env = useBrowserApp();

  it('only staff who may read everything a link opens can create or copy it; replacing a working link asks first; copies are on record', async () => {
    const practice = await newPractice(env.t.db);
    const maya = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const sam = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const admin = await newAdmin(env.t.db, practice);
    // Maya sees Priya individually and the couple; Dan's individual clinician is Sam.
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman', clinicians: [maya] });
    const dan = await newClient(env.t.db, practice, { name: 'Dan Okoro', clinicians: [sam] });
    const couple = await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [maya], displayName: 'Priya & Dan' });

    const desk = await signInAs(env.browser, env.baseUrl, maya);
    await desk.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.baseUrl });
    const errors = watchForPageErrors(desk);
    await desk.goto(`${env.baseUrl}/couples/${couple.id}`);
    const links = desk.getByRole('region', { name: 'Portal links' });
    const priyaPanel = links.getByRole('group', { name: 'Portal link for Priya' });
    const danPanel = links.getByRole('group', { name: 'Portal link for Dan' });

    // Dan's link would open his individual homework, which Maya may not read: no button, and why.
    await danPanel.getByText(/only a clinician on Dan’s own care team/).waitFor();
    expect(await danPanel.getByRole('button', { name: /link for Dan/ }).count()).toBe(0);

    await priyaPanel.getByRole('button', { name: 'Create link for Priya' }).click();
    const field = priyaPanel.getByLabel('Link for Priya (shown once: copy it now)');
    await field.waitFor();
    const first = await field.inputValue();
    await priyaPanel.getByRole('button', { name: 'Copy link' }).click();
    await priyaPanel.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await desk.evaluate(() => navigator.clipboard.readText())).toBe(first);
    const copies = () => env.t.db.query(`SELECT actor_id FROM audit_event WHERE action = 'portal_link.copied' AND subject_id = $1`, [priya.id]);
    expect(await copies()).toEqual([{ actor_id: maya.id }]);
    // Copied by hand from the field: on record as well.
    await field.focus();
    await field.press('Control+c');
    const deadline = Date.now() + 5000;
    while ((await copies()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await copies()).toEqual([{ actor_id: maya.id }, { actor_id: maya.id }]);
    await snapshot(desk, 'portal-links-couple-page');

    // Replacing asks first; saying no changes nothing.
    const questions: string[] = [];
    const answer = (accept: boolean) => (dialog: Dialog) => {
      questions.push(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    };
    desk.once('dialog', answer(false));
    await priyaPanel.getByRole('button', { name: 'New link for Priya' }).click();
    while (questions.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(questions[0]).toMatch(/Priya may be using the current link\. A new one stops it working at once/);
    expect(await field.inputValue()).toBe(first);
    expect(await env.t.db.query(`SELECT count(*)::int AS n FROM portal_link WHERE client_id = $1 AND revoked_at IS NULL`, [priya.id])).toEqual([{ n: 1 }]);

    desk.once('dialog', answer(true));
    await priyaPanel.getByRole('button', { name: 'New link for Priya' }).click();
    await desk.waitForFunction(
      ([id, old]) => (document.getElementById(`link-${id}`) as HTMLInputElement | null)?.value !== old,
      [priya.id, first] as const,
    );
    const second = await field.inputValue();
    expect(second).toMatch(/\/p\/[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    const replaced = await env.t.db.query(`SELECT revoked_by FROM portal_link WHERE client_id = $1 ORDER BY created_at`, [priya.id]);
    expect(replaced).toEqual([{ revoked_by: maya.id }, { revoked_by: null }]);

    // An admin sees that a link exists, never the link: no button to create or copy one.
    const asAdmin = await signInAs(env.browser, env.baseUrl, admin);
    await asAdmin.goto(`${env.baseUrl}/clients/${priya.id}`);
    const adminPanel = asAdmin.getByRole('group', { name: 'Portal link for Priya' });
    await adminPanel.getByText(/Priya: link active until/).waitFor();
    await adminPanel.getByText(/only a clinician on Priya’s own care team/).waitFor();
    expect(await adminPanel.getByRole('button', { name: /New link|Create link|Copy link/ }).count()).toBe(0);
    await snapshot(asAdmin, 'portal-links-admin');
    expect(errors).toEqual([]);
  });
});
