import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { newClient, newCouple, newPractice, newStaff, signIn } from '../../api/test/support/factories.js';
import { MailSink, linkIn } from '../../api/test/support/mail-sink.js';
import { startTestApp, type TestApp } from '../../api/test/support/test-app.js';
import { expectCount, launchBrowser, signInAs, snapshot, watchForPageErrors } from './support/browser.js';

const PHONE = { width: 360, height: 740 };

describe('Send links by email, in a real browser', () => {
  const sink = new MailSink();
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    await sink.start();
    t = await startTestApp({ TANDEM_SMTP_URL: sink.url, TANDEM_MAIL_FROM: 'Tandem <tandem@test.example>' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink.stop();
  });

  async function answerOnPhone(link: string, firstName: string, conflict: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: `Hi ${firstName}` }).waitFor();
    await page.getByRole('link', { name: /When we miss each other/ }).click();
    await page.getByLabel('Which recent conflict are you both thinking about? Describe it briefly.').fill(conflict);
    await page.getByLabel('What did you need from your partner in that moment?').fill('To be a priority.');
    await page.getByLabel('What were you afraid would happen if you did not get it?').fill('Being alone with it.');
    await page.getByRole('group', { name: 'How did you protect yourself?' }).getByLabel('I went quiet or withdrew').check();
    await page.getByRole('radiogroup', { name: 'How well do you feel your partner understands your need now?' }).getByLabel('6', { exact: true }).check();
    await page.getByRole('button', { name: 'Submit my answers' }).click();
    await page.getByText(/Saved\. Your clinician will see your answers/).waitFor();
    return page;
  }

  it('a clinician sends a couple’s links; each partner opens their own from the caught email on a phone and submits; the home page shows both, and mark reviewed clears them', async () => {
    const practice = await newPractice(t.db, 'Riverside Couples Therapy');
    const maya = await newStaff(t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const priya = await newClient(t.db, practice, { name: 'Priya Raman' });
    const dan = await newClient(t.db, practice, { name: 'Dan Okoro' });
    // Partners at one shared address: each still gets their own message and link.
    await t.db.query(`UPDATE client SET email = 'home.raman-okoro@test.example' WHERE id = ANY($1)`, [[priya.id, dan.id]]);
    const couple = await newCouple(t.db, practice, { members: [priya, dan], clinicians: [maya], safety: 'cleared' });
    const assigned = await (await signIn(t, maya))
      .post('/api/assignments')
      .send({ coupleId: couple.id, exerciseId: 'builtin:when-we-miss-each-other', instructions: 'Each on your own.', dueOn: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10), recurrence: 'once' });
    expect(assigned.status).toBe(201);

    const desk = await signInAs(browser, baseUrl, maya);
    const errors = watchForPageErrors(desk);
    await desk.goto(`${baseUrl}/couples/${couple.id}`);
    const links = desk.getByRole('region', { name: 'Portal links' });
    await links.getByRole('button', { name: 'Send links' }).click();
    await links.getByRole('status').filter({ hasText: /Emailed to Dan Okoro and Priya Raman/ }).waitFor();
    // The clinician never sees a link.
    expect(await links.locator('input').count()).toBe(0);
    await snapshot(desk, 'send-links-sent');

    const mails = await sink.waitFor('home.raman-okoro@test.example', 2);
    const mailFor = (first: string) => mails.find((m) => m.text.startsWith(`Hi ${first},`))!;
    const link = (first: string) => `${baseUrl}/p/${linkIn(mailFor(first), /\/p\/([A-Za-z0-9_-]{43})/)}`;
    const priyaPhone = await answerOnPhone(link('Priya'), 'Priya', 'Sunday and the dishes.');
    await snapshot(priyaPhone, 'send-links-priya-phone');
    await answerOnPhone(link('Dan'), 'Dan', 'Sunday: I felt criticised.');

    await desk.goto(`${baseUrl}/`);
    const queue = desk.getByRole('list', { name: 'Needs your attention' });
    await queue.getByRole('link', { name: 'Priya Raman submitted “When we miss each other”' }).waitFor();
    await queue.getByRole('link', { name: 'Dan Okoro submitted “When we miss each other”' }).waitFor();
    await snapshot(desk, 'send-links-attention');
    for (const name of ['Priya Raman', 'Dan Okoro']) {
      await queue.getByRole('button', { name: `Mark ${name}’s answers to “When we miss each other” reviewed` }).click();
      await expectCount(queue.getByRole('link', { name: new RegExp(`^${name} submitted`) }), 0);
    }
    expect(await queue.getByRole('link', { name: /submitted/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
