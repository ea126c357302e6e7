import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { newClient, newPortalLink, newPractice, newStaff, signIn } from '../../api/test/support/factories.js';
import { day } from '../../api/test/homework/homework-helpers.js';
import { eventually, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

const PHONE = { width: 360, height: 740 };
const DETAIL = 'In a sentence, what exactly did you do?';

const portalStorage = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tandem.portal.')).length + Object.keys(sessionStorage).length);

describe('nothing typed is lost, in a real browser', () => {
  const env = useBrowserApp();

  it('a note: text typed just before leaving for another page is saved first; closing the tab asks, then saves; an over-long section says so on the section', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const api = await signIn(env.t, clinician);

    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/clients/${client.id}`);
    const start = page.getByRole('form', { name: 'Start a session note' });
    await start.getByLabel('Session date').fill('2026-11-20');
    await start.getByRole('button', { name: 'Start note' }).click();
    await page.getByRole('heading', { name: /Session note, Nov 20, 2026/ }).waitFor();
    const noteId = new URL(page.url()).pathname.split('/').pop()!;
    const sections = async () => (await api.get(`/api/notes/${noteId}`)).body.sections as Record<string, string>;

    // Signing an empty note is refused; the refusal goes as soon as the note changes.
    await page.getByRole('button', { name: 'Sign note' }).click();
    await page.getByRole('button', { name: 'Yes, sign it' }).click();
    const empty = page.getByRole('alert').filter({ hasText: 'This note is empty' });
    await empty.waitFor();

    // Typed, and the breadcrumb clicked at once: the navigation waits for the save.
    await page.getByLabel('Subjective').fill('Grace says the week was calmer.');
    expect(await empty.count()).toBe(0);
    await page.locator('.breadcrumb').getByRole('link', { name: 'Grace Liu' }).click();
    await page.getByRole('heading', { level: 1, name: /Grace Liu/ }).waitFor();
    expect((await sections()).subjective).toBe('Grace says the week was calmer.');
    await page.getByRole('link', { name: /Nov 20, 2026/ }).click();
    expect(await page.getByLabel('Subjective').inputValue()).toBe('Grace says the week was calmer.');

    // A section past its limit: said on the section, not saved, and leaving asks instead of dropping it.
    const long = 'x'.repeat(20_050);
    await page.getByLabel('Assessment').fill(long);
    await page.getByText('“Assessment” is 20,050 characters long; a section can hold 20,000. Shorten it by 50 characters').waitFor();
    await page.getByRole('status').filter({ hasText: 'Not saved: “Assessment” is longer than 20,000 characters' }).waitFor();
    await page.getByText('20,050 / 20,000 characters').waitFor();
    expect(await page.getByText(/Some fields need attention/).count()).toBe(0);
    expect(await page.getByLabel('Assessment').getAttribute('aria-invalid')).toBe('true');
    await snapshot(page, 'note-section-too-long');
    await page.locator('.breadcrumb').getByRole('link', { name: 'Grace Liu' }).click();
    const leave = page.getByRole('alertdialog', { name: 'Unsaved changes' });
    await leave.getByText('Your latest changes are not saved: “Assessment” is too long. Leave this note anyway?').waitFor();
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    expect(await page.getByLabel('Assessment').inputValue()).toBe(long);
    await page.getByLabel('Assessment').fill('Calmer; repair attempts land.');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    expect((await sections()).assessment).toBe('Calmer; repair attempts land.');

    // Closing the tab with unsaved text asks first; staying keeps it; leaving sends it on the way out.
    await page.getByLabel('Plan').click();
    await page.keyboard.type('Phone check-in on Friday.');
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const prompt = await asked;
    expect(prompt.type()).toBe('beforeunload');
    await prompt.dismiss();
    expect(page.isClosed()).toBe(false);
    expect(await page.getByLabel('Plan').inputValue()).toBe('Phone check-in on Friday.');
    await page.getByLabel('Plan').press('End');
    await page.keyboard.type(' Bring the calendar.');
    const askedAgain = page.waitForEvent('dialog');
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await (await askedAgain).accept();
    await closed;
    await eventually(async () => (await sections()).plan, 'Phone check-in on Friday. Bring the calendar.');

    // Signing out right after typing saves first.
    const again = await signInAs(env.browser, env.baseUrl, clinician);
    errors.push(...watchForPageErrors(again));
    await again.goto(`${env.baseUrl}/notes/${noteId}`);
    await again.getByLabel('Objective').fill('Relaxed, good eye contact.');
    await again.getByRole('button', { name: 'Sign out' }).click();
    await again.getByRole('heading', { name: 'Sign in' }).waitFor();
    await again.getByText('You are signed out.').waitFor();
    expect((await sections()).objective).toBe('Relaxed, good eye contact.');
    expect(errors).toEqual([]);
  });

  it('the portal: text typed just before a reload or switching apps is kept, from the server or this phone; answers stop at their limit; sign-out leaves nothing behind', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'] });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const staff = await signIn(env.t, clinician);
    const assigned = await staff
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: '', dueOn: day(0), recurrence: 'weekly', count: 1 })
      .expect(201);
    const draftOnServer = async () => {
      const rows = (await env.t.db.query(
        `SELECT version FROM response WHERE practice_id = $1 AND assignment_id = $2 AND seq = 1`,
        [practice.id, assigned.body.id],
      )) as Array<{ version: number }>;
      return rows[0]?.version ?? 0;
    };

    const context = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/p/${await newPortalLink(env.t.db, client, clinician)}`);
    await page.getByRole('heading', { name: 'Hi Grace' }).waitFor();
    await page.getByRole('link', { name: /Small acts of care/ }).click();
    const detail = page.getByLabel(DETAIL);

    // Typed, and the page reloaded at once: the draft went out as the page was hidden.
    await detail.fill('I made tea before she woke up.');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Small acts of care/ }).waitFor();
    expect(await page.getByLabel(DETAIL).inputValue()).toBe('I made tea before she woke up.');
    await eventually(draftOnServer, 1);
    await eventually(() => portalStorage(page), 0);

    // Switching apps (the page hidden) sends the draft at once, without waiting for the pause in typing.
    await page.getByLabel(DETAIL).fill('I made tea and toast before she woke up.');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await eventually(draftOnServer, 2);

    // With the network gone, what is typed stays on the phone and is sent once the page is back.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: /Small acts of care/ }).waitFor();
    let offline = true;
    await page.route('**/draft', (route) => (offline ? route.abort() : route.continue()));
    await page.getByLabel(DETAIL).fill('I made tea, toast and a note for her bag.');
    await page.getByRole('status').filter({ hasText: /What you typed stays on this phone meanwhile/ }).waitFor();
    expect(await portalStorage(page)).toBe(1);
    // The draft sent as the page goes fails too; the network is back by the time the page has loaded again.
    const loading = page.waitForRequest((r) => r.method() === 'GET' && /\/occurrences\/1$/.test(r.url())).then(() => {
      offline = false;
    });
    await page.reload();
    await loading;
    await page.getByRole('heading', { level: 1, name: /Small acts of care/ }).waitFor();
    expect(await page.getByLabel(DETAIL).inputValue()).toBe('I made tea, toast and a note for her bag.');
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    await eventually(() => portalStorage(page), 0);
    await eventually(draftOnServer, 3);

    // An answer stops at its limit, with a counter near it.
    await page.getByLabel(DETAIL).fill('a'.repeat(390));
    await page.getByText('390 / 400 · 10 characters left').waitFor();
    await page.getByLabel(DETAIL).press('End');
    await page.keyboard.type('b'.repeat(30));
    expect((await page.getByLabel(DETAIL).inputValue()).length).toBe(400);
    await page.getByText('400 / 400 · that is the limit').waitFor();
    await page.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    await snapshot(page, 'portal-answer-at-limit');

    // Sign-out sends what is unsent, then nothing typed stays in the browser.
    await page.getByLabel(DETAIL).fill('Tea, toast and a note.');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect(await portalStorage(page)).toBe(0);
    expect((await env.t.request().get('/api/portal/me').set('cookie', (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; '))).status).toBe(401);

    // Back through a new link: the last words typed before signing out came from the server (nothing was kept locally).
    const again = await context.newPage();
    await again.goto(`${env.baseUrl}/p/${await newPortalLink(env.t.db, client, clinician)}`);
    await again.getByRole('link', { name: /Small acts of care/ }).click();
    expect(await again.getByLabel(DETAIL).inputValue()).toBe('Tea, toast and a note.');

    // Submitting clears the local copy too.
    await again.route('**/draft', (route) => route.abort());
    await again.getByRole('group', { name: 'Since your last entry, what did you do?' }).getByLabel('Helped out without being asked').check();
    await again.getByRole('group', { name: 'How did it seem to land?' }).getByLabel(/^Warmly/).check();
    await again.getByRole('radiogroup', { name: 'Since your last entry, how connected have you felt to your partner?' }).getByLabel('7', { exact: true }).check();
    await again.getByRole('radiogroup', { name: 'Since your last entry, how cared for have you felt?' }).getByLabel('6', { exact: true }).check();
    expect(await portalStorage(again)).toBe(1);
    await again.getByRole('button', { name: 'Submit my answers' }).click();
    const saved = again.getByText(/Saved\. Your clinician will see your answers/);
    await saved.waitFor();
    expect(await saved.getAttribute('aria-live')).toBe('polite');
    expect(await saved.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    expect(await portalStorage(again)).toBe(0);
    expect(errors).toEqual([]);
  });
});
