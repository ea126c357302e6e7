import { describe, expect, it } from '@jest/globals';
import { newClient, newCouple, newPortalLink, newPractice, newStaff } from '../../api/test/support/factories.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors, chooseFromSearch } from './support/browser.js';

const PHONE = { width: 360, height: 740 };

describe('a flagged answer reaches the clinician, and crisis help is one tap away, in a real browser', () => {
  const env = useBrowserApp();

  it('a partner answers “it did not feel safe” on a phone, sees crisis resources; the clinician sees the alert first and acknowledges it', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman' });
    const dan = await newClient(env.t.db, practice, { name: 'Dan Okoro' });
    const couple = await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [clinician], displayName: 'Priya & Dan', safety: 'cleared' });

    // The clinician assigns "The 3% that is true": it only allows private answers.
    const desk = await signInAs(env.browser, env.baseUrl, clinician);
    const deskErrors = watchForPageErrors(desk);
    await desk.goto(`${env.baseUrl}/couples/${couple.id}`);
    await desk.getByRole('button', { name: 'Assign an exercise' }).click();
    const form = desk.getByRole('form', { name: 'Assign homework' });
    await chooseFromSearch(form, 'Exercise', 'The 3%', 'The 3% that is true (15 min) — needs screening');
    await form.getByText('This exercise keeps each partner’s answers private.').waitFor();
    const sharingOptions = await form.getByLabel('Partners’ answers').locator('option').allTextContents();
    expect(sharingOptions).toEqual([expect.stringMatching(/^Private/)]);
    await form.getByLabel('Instructions in your words').fill('One criticism, each on your own.');
    await form.getByRole('button', { name: 'Assign' }).click();
    await form.getByText(/Assigned “The 3% that is true”/).waitFor();

    // Priya on her phone: told before the first question that her answers stay private.
    const token = await newPortalLink(env.t.db, { id: priya.id, practiceId: practice.id }, clinician);
    const phoneContext = await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const asPriya = await phoneContext.newPage();
    const priyaErrors = watchForPageErrors(asPriya);
    await asPriya.goto(`${env.baseUrl}/p/${token}`);
    await asPriya.getByRole('link', { name: /The 3% that is true/ }).click();
    await asPriya.getByRole('heading', { level: 1, name: 'The 3% that is true' }).waitFor();
    const notice = asPriya.getByText('Your answers go to your therapist only. Your partner will not see them.');
    const firstQuestion = asPriya.getByLabel('What is one criticism your partner has made of you?');
    const noticeTop = (await notice.boundingBox())!.y;
    expect(noticeTop).toBeLessThan((await firstQuestion.boundingBox())!.y);
    await asPriya.getByRole('link', { name: 'Emergency: call 911' }).waitFor();

    await firstQuestion.fill('That I do not listen when I am tired.');
    await asPriya.getByRole('radiogroup', { name: 'How fair does the criticism feel overall?' }).getByLabel('5', { exact: true }).check();
    await asPriya.getByLabel('What small part of it is true? Write it without excuses and without putting yourself down.').fill('I do drift off after work.');
    await asPriya.getByRole('group', { name: 'Did you say that part out loud to your partner?' }).getByLabel('No, it did not feel safe').check();
    await asPriya.getByRole('radiogroup', { name: 'How kind were you to yourself while doing this?' }).getByLabel('4', { exact: true }).check();
    await asPriya.getByRole('button', { name: 'Submit my answers' }).click();
    await asPriya.getByText(/^Saved\. Your clinician will see your answers/).waitFor();

    // After submitting: the crisis resources, one tap to call or text, and that answers are not read in real time.
    const help = asPriya.getByRole('complementary', { name: 'Need help now?' });
    await help.getByText(/not read in real time/).waitFor();
    expect(await help.getByRole('link', { name: 'Emergency: call 911' }).getAttribute('href')).toBe('tel:911');
    const lifeline = help.getByRole('listitem').filter({ hasText: '988 Suicide & Crisis Lifeline' });
    expect(await lifeline.getByRole('link', { name: 'Call' }).getAttribute('href')).toBe('tel:988');
    expect(await lifeline.getByRole('link', { name: 'Text' }).getAttribute('href')).toBe('sms:988');
    expect(await asPriya.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await snapshot(asPriya, 'safety-after-submit-phone');

    // The clinician's home page: the alert comes first, with why, one click from the couple.
    await desk.goto(`${env.baseUrl}/`);
    const alerts = desk.getByRole('region', { name: 'Answers that need your attention' });
    await alerts.getByText('Said it did not feel safe to speak honestly to their partner').waitFor();
    const sections = await desk.locator('main section, main .cards').evaluateAll((els) => els.map((e) => e.getAttribute('aria-labelledby') ?? e.className));
    expect(sections[1]).toBe('alerts-title');
    expect(await alerts.getByRole('link', { name: 'Priya Raman (Priya & Dan)' }).getAttribute('href')).toBe(`/couples/${couple.id}`);
    await snapshot(desk, 'safety-alert-home');
    await alerts.getByRole('button', { name: 'Acknowledge' }).click();
    await alerts.getByText('What you did or decided needs a short note.').waitFor();
    await alerts.getByLabel('What you did or decided').fill('Called Priya; safe at home; will see her alone on Monday.');
    await alerts.getByRole('button', { name: 'Acknowledge' }).click();
    await alerts.waitFor({ state: 'detached' });

    const events = await env.t.db.query(`SELECT action FROM audit_event WHERE record_type = 'alert' AND practice_id = $1 ORDER BY seq`, [practice.id]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['alert.raised', 'alert.acknowledged']));
    expect(deskErrors).toEqual([]);
    expect(priyaErrors).toEqual([]);
  });
});
