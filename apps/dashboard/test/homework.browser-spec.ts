import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { findBuiltInExercise } from '@tandem/shared';
import { newClient, newCouple, newHomework, newPortalLink, newPractice, newStaff } from '../../api/test/support/factories.js';
import { expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors, chooseFromSearch } from './support/browser.js';

const PHONE = { width: 360, height: 740 };

describe('homework from assignment to review, in a real browser', () => {
  const env = useBrowserApp();

  /** A partner's phone: a env.browser context of its own, as narrow as a small phone. */
  async function phone(link: string): Promise<Page> {
    const context = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(link);
    return page;
  }

  async function answer(page: Page, conflict: string, understood: string) {
    await page.getByLabel('Which recent conflict are you both thinking about? Describe it briefly.').fill(conflict);
    await page.getByLabel('What did you need from your partner in that moment?').fill('To feel that I was a priority.');
    await page.getByLabel('What were you afraid would happen if you did not get it?').fill('That I would be alone with it.');
    await page.getByRole('group', { name: 'How did you protect yourself? Choose all that happened.' }).getByLabel('I went quiet or withdrew').check();
    await page.getByRole('radiogroup', { name: 'How well do you feel your partner understands your need now?' }).getByLabel(understood, { exact: true }).check();
  }

  it('a clinician assigns a weekly exercise to a couple; each partner completes it on a phone; both then see each other’s answers; the clinician sees both and the trend', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman', clinicians: [clinician] });
    const dan = await newClient(env.t.db, practice, { name: 'Dan Okoro', clinicians: [clinician] });
    const couple = await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [clinician], displayName: 'Priya & Dan' });

    // The clinician: the gate is explained before trying, then a weekly exercise is assigned with answers shared once both are done.
    const desk = await signInAs(env.browser, env.baseUrl, clinician);
    const deskErrors = watchForPageErrors(desk);
    await desk.goto(`${env.baseUrl}/couples/${couple.id}`);
    await desk.getByRole('button', { name: 'Assign an exercise' }).click();
    const form = desk.getByRole('form', { name: 'Assign homework' });
    await form.getByText(/cannot be given to this couple until a clinician on the care team records a conjoint-safety screening/).waitFor();
    await form.getByRole('combobox', { name: 'Exercise' }).fill('The 3%');
    expect(await form.getByRole('option', { name: /The 3% that is true .* needs screening/ }).isDisabled()).toBe(true);
    await chooseFromSearch(form, 'Exercise', 'miss each other', 'When we miss each other (20 min)');
    await form.getByLabel('Instructions in your words').fill('Think about Sunday’s argument, each on your own.');
    await form.getByLabel('How often').selectOption({ label: 'Every week' });
    await form.getByLabel('Number of times').fill('3');
    await form.getByLabel('Partners’ answers').selectOption({ value: 'reveal-when-both-done' });
    await form.getByRole('button', { name: 'Assign' }).click();
    await form.getByText(/Assigned “When we miss each other”: 3 times/).waitFor();
    await desk.getByRole('article', { name: 'When we miss each other' }).waitFor();
    await snapshot(desk, 'homework-assigned');

    // Each partner's link, copied from the couple page.
    const links = desk.getByRole('region', { name: 'Portal links' });
    const linkFor = async (name: string) => {
      await links.getByRole('button', { name: `Create link for ${name}` }).click();
      const field = links.getByLabel(`Link for ${name} (shown once: copy it now)`);
      await field.waitFor();
      return field.inputValue();
    };
    const priyaLink = await linkFor('Priya');
    const danLink = await linkFor('Dan');
    expect(priyaLink).toMatch(/\/p\/[A-Za-z0-9_-]{43}$/);
    expect(danLink).not.toBe(priyaLink);

    // Priya, on her phone: the link becomes a session and disappears from the address bar.
    const asPriya = await phone(priyaLink);
    const priyaErrors = watchForPageErrors(asPriya);
    await asPriya.getByRole('heading', { name: 'Hi Priya' }).waitFor();
    expect(new URL(asPriya.url()).pathname).toBe('/portal');
    expect(await asPriya.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await asPriya.getByText('Raman').count()).toBe(0);
    await snapshot(asPriya, 'portal-home-phone');
    await asPriya.getByRole('link', { name: /When we miss each other/ }).click();
    await asPriya.getByRole('heading', { level: 1, name: 'When we miss each other' }).waitFor();
    await asPriya.getByText('Think about Sunday’s argument, each on your own.').waitFor();

    // A draft saves as she types and is there after a reload.
    await asPriya.getByLabel('Which recent conflict are you both thinking about? Describe it briefly.').fill('Sunday, when the dishes became about respect.');
    await asPriya.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    await asPriya.reload();
    await asPriya.getByRole('heading', { level: 1, name: 'When we miss each other' }).waitFor();
    expect(await asPriya.getByLabel('Which recent conflict are you both thinking about? Describe it briefly.').inputValue()).toBe('Sunday, when the dishes became about respect.');
    expect(await asPriya.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).toBe('{}{}');

    // Submitting early names what is missing; then she completes and submits.
    await asPriya.getByRole('button', { name: 'Submit my answers' }).click();
    await asPriya.getByText(/needs an answer before you submit/).first().waitFor();
    await answer(asPriya, 'Sunday, when the dishes became about respect.', '4');
    await snapshot(asPriya, 'portal-exercise-phone');
    await asPriya.getByRole('button', { name: 'Submit my answers' }).click();
    await asPriya.getByText(/Saved\. Your clinician will see your answers/).waitFor();
    await asPriya.getByText(/Dan has not submitted yet\. Their answers will appear here once you have both submitted\./).waitFor();
    await snapshot(asPriya, 'portal-submitted-waiting');

    // Dan, on his phone.
    const asDan = await phone(danLink);
    const danErrors = watchForPageErrors(asDan);
    await asDan.getByRole('heading', { name: 'Hi Dan' }).waitFor();
    await asDan.getByRole('link', { name: /When we miss each other/ }).click();
    await answer(asDan, 'Sunday: I felt criticised about the dishes.', '8');
    await asDan.getByRole('button', { name: 'Submit my answers' }).click();
    await asDan.getByText(/Saved\. Your clinician will see your answers/).waitFor();
    await asDan.getByRole('heading', { name: 'Priya’s answers' }).waitFor();
    await asDan.getByText('Sunday, when the dishes became about respect.').waitFor();
    await snapshot(asDan, 'portal-partner-revealed');

    await asPriya.reload();
    await asPriya.getByRole('heading', { name: 'Dan’s answers' }).waitFor();
    await asPriya.getByText('Sunday: I felt criticised about the dishes.').waitFor();

    // The clinician sees both partners' answers and both lines of the trend.
    await desk.reload();
    const card = desk.getByRole('article', { name: 'When we miss each other' });
    await card.getByText('1 of 3 done').waitFor();
    await card.getByRole('button', { name: 'Show answers' }).click();
    await card.getByRole('definition').filter({ hasText: 'Sunday, when the dishes became about respect.' }).waitFor();
    await card.getByRole('definition').filter({ hasText: 'Sunday: I felt criticised about the dishes.' }).waitFor();
    const chart = desk.getByRole('figure', { name: /When we miss each other: How well do you feel your partner understands/ });
    await chart.waitFor();
    await expectCount(chart.locator('.recharts-line'), 2);
    await chart.getByText('Priya Raman').first().waitFor();
    await chart.getByText('Dan Okoro').first().waitFor();
    await snapshot(desk, 'homework-review-trend');

    expect([...deskErrors, ...priyaErrors, ...danErrors]).toEqual([]);
  });

  it('a link tapped in another site’s page (a webmail) opens the client’s homework at once, and leaves /portal, not the link, in the address bar and the history', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'] });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const exercise = findBuiltInExercise('know-my-triggers')!;
    await newHomework(env.t.db, practice, client, clinician, { exerciseRef: `builtin:${exercise.slug}`, exercise });
    const token = await newPortalLink(env.t.db, client, clinician);
    const context = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors = watchForPageErrors(page);
    // Another site's page: the navigation is cross-site, so a SameSite=Strict cookie set on the way does not ride on a redirect.
    await page.setContent(`<a id="open" href="${env.baseUrl}/p/${token}">Open your homework</a>`);
    await page.click('#open');
    await page.getByRole('heading', { name: 'Hi Grace' }).waitFor();
    await page.getByRole('link', { name: new RegExp(exercise.title) }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal');
    expect(await page.evaluate(() => location.href)).not.toContain(token);
    // Back leads to the other site's page, never to the link.
    await page.goBack();
    expect(page.url()).not.toContain(token);
    // The session holds on a reload of /portal (a same-site visit now).
    await page.goto(`${env.baseUrl}/portal`);
    await page.getByRole('link', { name: new RegExp(exercise.title) }).waitFor();
    expect(errors).toEqual([]);
    await context.close();

    // The first screen is in the page itself: without any script, the greeting is there on arrival from another site.
    const noScript = await env.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const bare = await noScript.newPage();
    await bare.setContent(`<a id="open" href="${env.baseUrl}/p/${await newPortalLink(env.t.db, client, clinician)}">Open your homework</a>`);
    await bare.click('#open');
    await bare.getByRole('heading', { name: 'Hi Grace' }).waitFor({ timeout: 5_000 });
    await noScript.close();
  });

  it('a link that no longer works shows a kind page with nothing about the client', async () => {
    const page = await phone(`${env.baseUrl}/p/${'A'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();
    await page.getByText('Please ask your clinician to send you a new link.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal/link-expired');
    await snapshot(page, 'portal-link-expired');
  });
});
