import { describe, expect, it } from '@jest/globals';
import { newClient, newPortalLink, newPractice, newStaff, signIn } from '../../api/test/support/factories.js';
import { day } from '../../api/test/homework/homework-helpers.js';
import { eventually, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

const PHONE = { width: 360, height: 740 };
const DETAIL = 'In a sentence, what exactly did you do?';

/** The guarantees of the one autosave (ui/use-autosave.ts) that notes and portal answers share, where no other journey shows them. */
describe('autosave: conflicts and lost connections, for notes and portal answers, in a real browser', () => {
  const env = useBrowserApp();

  it('a note: a save that does not get through is tried again without more typing; a change in another tab is a conflict that keeps this tab’s text until the clinician chooses', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const api = await signIn(env.t, clinician);
    const created = await api.post('/api/notes').send({ clientId: client.id, format: 'SOAP', kind: 'progress', sessionDate: day(-1) });
    expect(created.status).toBe(201);
    const noteId = created.body.id as string;
    const sections = async () => (await api.get(`/api/notes/${noteId}`)).body.sections as Record<string, string>;

    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/notes/${noteId}`);
    const status = page.locator('p.autosave');

    // The connection drops while typing: the text stays, the status says it is not saved, and it saves once the connection is back.
    let offline = true;
    await page.route(`**/api/notes/${noteId}`, (route) => (offline && route.request().method() === 'PATCH' ? route.abort() : route.continue()));
    await page.getByLabel('Subjective').fill('Grace slept better this week.');
    await page.getByRole('alert').filter({ hasText: 'Tandem could not be reached' }).waitFor();
    await expect(status.textContent()).resolves.toBe('Unsaved changes');
    offline = false;
    await status.filter({ hasText: /^Saved/ }).waitFor({ timeout: 15_000 });
    expect((await sections()).subjective).toBe('Grace slept better this week.');
    await page.unroute(`**/api/notes/${noteId}`);

    // Another tab saves first: this tab's next save is refused as stale; its text stays and nothing more is sent until the clinician chooses.
    const current = (await api.get(`/api/notes/${noteId}`)).body.version as number;
    const other = await api.patch(`/api/notes/${noteId}`).send({ sections: { subjective: 'Written in the other tab.' }, version: current });
    expect(other.status).toBe(200);
    await page.getByLabel('Objective').fill('Calm, engaged.');
    const conflict = page.getByRole('alert').filter({ hasText: 'This note was changed in another tab or window. Your text is still here and has not been lost.' });
    await conflict.waitFor();
    await expect(status.textContent()).resolves.toBe('Not saved');
    expect(await page.getByLabel('Subjective').inputValue()).toBe('Grace slept better this week.');
    expect(await page.getByLabel('Objective').inputValue()).toBe('Calm, engaged.');
    expect((await sections()).subjective).toBe('Written in the other tab.');
    await snapshot(page, 'autosave-note-conflict');

    // Keeping mine: this tab's text goes out on the other tab's version.
    await conflict.getByRole('button', { name: 'Keep my text and save over it' }).click();
    await status.filter({ hasText: /^Saved/ }).waitFor();
    await conflict.waitFor({ state: 'detached' });
    expect(await sections()).toMatchObject({ subjective: 'Grace slept better this week.', objective: 'Calm, engaged.' });
    expect(errors).toEqual([]);
  });

  it('portal answers: a draft that does not get through is tried again without more typing; a draft saved in another window is a conflict, and “Load the latest” shows it', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'] });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const staff = await signIn(env.t, clinician);
    const assigned = await staff
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: '', dueOn: day(0), recurrence: 'weekly', count: 1 });
    expect(assigned.status).toBe(201);
    const draftOnServer = async () =>
      ((await env.t.db.query(`SELECT version FROM response WHERE practice_id = $1 AND assignment_id = $2 AND seq = 1`, [practice.id, assigned.body.id])) as Array<{
        version: number;
      }>)[0]?.version ?? 0;

    const context = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/p/${await newPortalLink(env.t.db, client, clinician)}`);
    await page.getByRole('link', { name: /Small acts of care/ }).click();
    const occurrenceUrl = page.url();

    // No connection: the phone keeps the words, says so, and sends them once it can, without another keystroke.
    let offline = true;
    await page.route('**/draft', (route) => (offline ? route.abort() : route.continue()));
    await page.getByLabel(DETAIL).fill('I made tea before she woke up.');
    await page.getByRole('status').filter({ hasText: /we will keep trying/ }).waitFor();
    offline = false;
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor({ timeout: 15_000 });
    await eventually(draftOnServer, 1);

    // A second window, opened now, saves its own words; the first window's next save is a conflict.
    const second = await context.newPage();
    await second.goto(occurrenceUrl);
    await second.getByLabel(DETAIL).fill('Written on the other window.');
    await second.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    await eventually(draftOnServer, 2);
    await page.getByLabel(DETAIL).fill('I made tea and toast.');
    const conflict = page.getByRole('alert').filter({ hasText: 'These answers were changed in another window.' });
    await conflict.waitFor();
    expect(await page.getByLabel(DETAIL).inputValue()).toBe('I made tea and toast.');
    expect(await draftOnServer()).toBe(2);
    await conflict.getByRole('button', { name: 'Load the latest' }).click();
    await eventually(() => page.getByLabel(DETAIL).inputValue(), 'Written on the other window.');
    await second.close();
    expect(errors).toEqual([]);
  });
});
