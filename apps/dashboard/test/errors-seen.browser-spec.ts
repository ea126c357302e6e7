import { describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { newAdmin, newClient, newPortalLink, newPractice, newStaff, signIn } from '../../api/test/support/factories.js';
import { day } from '../../api/test/homework/homework-helpers.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors, chooseFromSearch } from './support/browser.js';

const PHONE = { width: 360, height: 740 };

/** Whether the element is on screen, clear of `cover` (a sticky bar) when given. */
async function onScreen(page: Page, element: Locator, cover?: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const bar = cover ? await cover.boundingBox() : null;
  const bottom = bar ? bar.y : (page.viewportSize()?.height ?? 0);
  return box !== null && box.y >= 0 && box.y + Math.min(box.height, 60) <= bottom;
}

describe('every error is seen, in a real browser', () => {
  const env = useBrowserApp();

  it('portal on a phone: submitting with answers missing takes the person to the first one, with a summary that links to each', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'] });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    await (await signIn(env.t, clinician))
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:trust-or-communication', instructions: '', dueOn: day(0), recurrence: 'weekly', count: 1 })
      .expect(201);

    const context = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/p/${await newPortalLink(env.t.db, client, clinician)}`);
    await page.getByRole('link', { name: /Trust or communication/ }).click();
    await page.getByRole('heading', { level: 1, name: /Trust or communication/ }).waitFor();
    // The person has scrolled to the end and answered only the last question.
    await page.getByLabel('What is one small step you could take this week?').fill('Ask about her day before mine.');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.getByRole('button', { name: 'Submit my answers' }).tap();

    const first = page.locator('#step-trust');
    await first.getByText('“How much do you trust your partner right now?” needs an answer before you submit.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('[id^="step-"]')?.id)).toBe('step-trust');
    expect(await onScreen(page, first, page.locator('.portal-save'))).toBe(true);

    const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: '5 answers need attention before you submit' }) });
    await summary.waitFor();
    const links = summary.getByRole('link');
    expect(await links.allInnerTexts()).toEqual([
      '“How much do you trust your partner right now?” needs an answer before you submit.',
      '“How well do the two of you communicate about feelings and needs?” needs an answer before you submit.',
      '“How safe does it feel to be vulnerable with your partner?” needs an answer before you submit.',
      '“Which would you work on first?” needs an answer before you submit.',
      '“Why that one? What makes it the place to start?” needs an answer before you submit.',
    ]);
    await page.locator('.portal-save').getByRole('link', { name: '5 answers need attention: see the list at the top' }).waitFor();
    await snapshot(page, 'portal-submit-missing-phone');

    await links.nth(3).tap();
    expect(await page.evaluate(() => document.activeElement?.closest('[id^="step-"]')?.id)).toBe('step-first');
    expect(await onScreen(page, page.getByRole('group', { name: 'Which would you work on first?' }), page.locator('.portal-save'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('dashboard: server field errors land on the fields, under the labels people see; other problems are said in words; success is announced', async () => {
    const practice = await newPractice(env.t.db);
    const admin = await newAdmin(env.t.db, practice);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });

    // Sign-in with nothing typed: each field says what it needs.
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const signInPage = await context.newPage();
    await signInPage.goto(`${env.baseUrl}/sign-in`);
    await signInPage.getByRole('button', { name: 'Sign in' }).click();
    await signInPage.getByText('Email must be an email address').waitFor();
    await signInPage.getByText('Password is required').waitFor();
    expect(await signInPage.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await signInPage.getByRole('alert').innerText()).toBe('Please check “Email” and “Password”: the messages are beside each.');
    expect(await signInPage.getByText(/see below/).count()).toBe(0);
    await snapshot(signInPage, 'sign-in-empty');

    // Admin: a couple with nobody in it, in the words of the form.
    const desk = await signInAs(env.browser, env.baseUrl, admin);
    const deskErrors = watchForPageErrors(desk);
    await desk.goto(`${env.baseUrl}/caseloads`);
    const couple = desk.getByRole('region', { name: 'Add a couple' });
    await couple.getByLabel('Couple’s name').fill('Ana & Ben');
    await couple.getByRole('button', { name: 'Add couple' }).click();
    await couple.getByText('Members must include at least two people').waitFor();
    expect(await couple.getByText(/Member ids|Display name/).count()).toBe(0);
    await couple.getByLabel('Couple’s name').fill('');
    await couple.getByRole('button', { name: 'Add couple' }).click();
    await couple.getByText('Couple’s name is required').waitFor();

    // Editing a client: the message sits under Email, the alert spans the form, and "Full name" stays in the first column.
    await desk.goto(`${env.baseUrl}/clients/${client.id}`);
    await desk.getByRole('button', { name: 'Edit details' }).click();
    await desk.getByLabel('Email', { exact: true }).fill('grace-at-home');
    await desk.getByRole('button', { name: 'Save' }).click();
    await desk.getByText('Email must be an email address').waitFor();
    const form = desk.locator('form').filter({ has: desk.getByLabel('Full name') });
    const alert = form.getByRole('alert');
    expect(await alert.innerText()).toBe('Please check “Email”: the message is beside it.');
    const [formBox, alertBox, nameBox] = await Promise.all([form.boundingBox(), alert.boundingBox(), desk.getByLabel('Full name').boundingBox()]);
    expect(Math.round(alertBox!.width)).toBe(Math.round(formBox!.width));
    expect(Math.round(nameBox!.x)).toBe(Math.round(formBox!.x));
    await snapshot(desk, 'client-edit-field-error');

    // A field the form does not show (here the record's version, sent wrong on purpose) is said in words at the top.
    await desk.route('**/api/clients/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      await route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), email: 'grace@example.org', version: 'latest' }) });
    });
    await desk.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').getByText('This page is out of date: reload it, then make your change again.').waitFor();
    await desk.unroute('**/api/clients/*');

    // Clinician: moving a due date into the past says so beside the date; assigning is announced in a styled notice.
    const clinicianDesk = await signInAs(env.browser, env.baseUrl, clinician);
    await clinicianDesk.goto(`${env.baseUrl}/clients/${client.id}`);
    await clinicianDesk.getByRole('button', { name: 'Assign an exercise' }).click();
    const assign = clinicianDesk.getByRole('form', { name: 'Assign homework' });
    await chooseFromSearch(assign, 'Exercise', 'Small acts', 'Small acts of care (daily) (5 min)');
    const live = assign.locator('[aria-live="polite"][role="status"]').first();
    expect(await live.count()).toBe(1);
    await assign.getByRole('button', { name: 'Assign' }).click();
    const notice = live.getByText(/^Assigned “Small acts of care \(daily\)”/);
    await notice.waitFor();
    expect(await notice.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
    const card = clinicianDesk.getByRole('article', { name: 'Small acts of care (daily)' });
    await card.getByRole('button', { name: 'Change due date' }).click();
    await card.getByLabel('Next due date').fill(day(-3));
    await card.getByRole('button', { name: 'Save date' }).click();
    await card.getByText('Next due date must be today or later').waitFor();
    expect(await onScreen(clinicianDesk, card.getByText('Next due date must be today or later'))).toBe(true);
    expect(await card.getByText(/see below/).count()).toBe(0);
    await snapshot(clinicianDesk, 'reschedule-past');

    // The exercise builder names its fields as they are labelled.
    await clinicianDesk.goto(`${env.baseUrl}/library/new`);
    await clinicianDesk.getByRole('button', { name: 'Save to our library' }).click();
    await clinicianDesk.getByText('Title is required (up to 120 characters)').waitFor();
    expect(await clinicianDesk.getByText(/needs a title/).count()).toBe(0);
    expect(deskErrors).toEqual([]);
  });
});
