import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { newAdmin, newClient, newPractice, newStaff, portalAs, signIn } from '../../api/test/support/factories.js';
import { day, smallActsAnswers } from '../../api/test/homework/homework-helpers.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('session notes in a real browser', () => {
  const env = useBrowserApp();

  it('a clinician writes a SOAP note that autosaves, signs it, adds an addendum; an admin sees metadata only and the reads in the audit log', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const adminUser = await newAdmin(env.t.db, practice);
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });

    // Homework that came back since the last session, for the block beside the note.
    const assigned = await (await signIn(env.t, clinician))
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Weekly.', dueOn: day(0), recurrence: 'weekly', count: 2 });
    const portal = await portalAs(env.t, client, clinician);
    await portal
      .post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`)
      .send({ answers: smallActsAnswers(7, 'brought flowers'), submissionId: crypto.randomUUID() })
      .expect(200);

    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/clients/${client.id}`);
    const start = page.getByRole('form', { name: 'Start a session note' });
    await start.getByLabel('Session date').fill('2026-11-20');
    await start.getByRole('button', { name: 'Start note' }).click();
    await page.getByRole('heading', { name: /Session note, Nov 20, 2026/ }).waitFor();

    const block = page.getByRole('region', { name: 'Homework since the last session' });
    await block.getByRole('article', { name: 'Small acts of care (daily)' }).getByRole('button', { name: 'Show answers' }).click();
    await block.getByText('I brought flowers without being asked.').waitFor();
    await page.getByLabel('Subjective').fill('Grace reports fewer arguments after the repair exercise.');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    await page.getByLabel('Plan').fill('Continue weekly; assign the small acts of care exercise.');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    await page.reload();
    expect(await page.getByLabel('Subjective').inputValue()).toBe('Grace reports fewer arguments after the repair exercise.');

    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByRole('button', { name: 'Yes, sign it' }).click();
    await page.getByText(/written by Maya Okafor · signed by Maya Okafor/).waitFor();
    expect(await page.getByRole('textbox').count()).toBe(0);
    await snapshot(page, 'notes-signed');

    await page.getByRole('button', { name: 'Add an addendum' }).click();
    await page.getByRole('heading', { name: /Addendum/ }).waitFor();
    await page.getByLabel('Note').fill('Correction: the exercise was assigned last week, not this week.');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByRole('button', { name: 'Yes, sign it' }).click();
    await page.getByText(/written by Maya Okafor · signed by Maya Okafor/).waitFor();
    await page.getByRole('link', { name: 'original note' }).click();
    // The addendum reads in full under the note it corrects.
    await page.getByRole('article', { name: 'Addendum by Maya Okafor' }).getByText('Correction: the exercise was assigned last week, not this week.').waitFor();

    const admin = await signInAs(env.browser, env.baseUrl, adminUser);
    await admin.goto(`${env.baseUrl}/clients/${client.id}`);
    await admin.getByRole('link', { name: /Nov 20, 2026/ }).click();
    await admin.getByText(/As an admin you see that this note exists/).waitFor();
    expect(await admin.getByText('Grace reports fewer arguments').count()).toBe(0);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await admin.getByLabel('What happened').selectOption({ label: 'Everything' });
    await admin.getByRole('cell', { name: /Read a session note/ }).first().waitFor();
    await snapshot(admin, 'notes-admin-audit');
    expect(errors).toEqual([]);
  });
});
