import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { newAdmin, newClinician, newPractice } from '../../api/test/support/factories.js';
import { expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

/** What an authenticator app would show, `stepsAhead` 30-second steps from now. */
const codeFor = (secret: string, stepsAhead = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

/** The secret as the enrolment screen shows it for typing, without its spaces. */
async function secretOnScreen(page: Page): Promise<string> {
  const text = await page.getByLabel('Secret key').textContent();
  return text!.replace(/\s/g, '');
}

describe('two-factor sign-in in a real browser', () => {
  const env = useBrowserApp();

  it('a clinician turns on two-factor sign-in, saves recovery codes, and signs in again with a code from the app', async () => {
    const practice = await newPractice(env.t.db, 'Cedar Grove Therapy');
    const clinician = await newClinician(env.t.db, practice);
    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);

    await page.getByRole('link', { name: clinician.name }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = await secretOnScreen(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await snapshot(page, 'two-factor-enrol');

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByText(/does not match the code your authenticator app shows/).waitFor();
    await page.getByLabel('Code from the app').fill(await codeFor(secret));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    const codes = page.getByRole('region', { name: 'Recovery codes' }).getByRole('listitem');
    await expectCount(codes, 10);
    await snapshot(page, 'two-factor-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText(/Recovery codes left: 10/).waitFor();
    await page.getByText('This browser').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(clinician.email);
    await page.getByLabel('Password').fill(clinician.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    await page.getByLabel('Code from your app').fill('123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not right');
    await snapshot(page, 'two-factor-code-step');
    // The code that turned it on is used up; the app's next code signs in.
    await page.getByLabel('Code from your app').fill(await codeFor(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('once an admin requires it, a clinician without it sets it up at sign-in before reaching Tandem', async () => {
    const practice = await newPractice(env.t.db, 'Willow Street Counseling');
    const admin = await newAdmin(env.t.db, practice);
    const clinician = await newClinician(env.t.db, practice);
    const adminPage = await signInAs(env.browser, env.baseUrl, admin);
    await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security' }).click();
    await adminPage.getByLabel('Require two-factor sign-in for everyone').click();
    await adminPage.getByText(/will set it up at their next sign-in/).waitFor();
    await snapshot(adminPage, 'two-factor-practice-requirement');

    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(clinician.email);
    await page.getByLabel('Password').fill(clinician.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
    await page.getByText('Your practice requires two-factor sign-in').waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await snapshot(page, 'two-factor-enrol-at-sign-in-390');
    await page.getByLabel('Code from the app').fill(await codeFor(await secretOnScreen(page)));
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await expectCount(page.getByRole('region', { name: 'Recovery codes' }).getByRole('listitem'), 10);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    expect(errors).toEqual([]);
  });
});
