import { describe, expect, it } from '@jest/globals';
import { newAdmin, newPractice } from '../../api/test/support/factories.js';
import { snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('the dashboard shell in a real browser', () => {
  const env = useBrowserApp();

  it('an admin signs in, invites a clinician who sets a password and signs in; deactivation ends their session', async () => {
    const practice = await newPractice(env.t.db, 'Riverbend Counseling');
    const admin = await newAdmin(env.t.db, practice);

    const adminContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await adminContext.newPage();
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/staff`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('do not match');
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back to the page first asked for, inside the shell.
    await page.getByRole('heading', { name: 'Staff' }).waitFor();
    expect(await page.getByText('Riverbend Counseling').isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' }).isVisible()).toBe(true);

    await page.getByLabel('Name', { exact: true }).fill('Noor Haddad');
    await page.getByLabel('Email', { exact: true }).fill('noor@riverbend.example');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const linkBox = page.getByLabel('Invite link');
    await linkBox.waitFor();
    const inviteUrl = await linkBox.inputValue();
    expect(inviteUrl).toMatch(/\/set-password#token=/);
    await snapshot(page, 'shell-staff-invite');

    const inviteeContext = await env.browser.newContext({ viewport: { width: 360, height: 740 } });
    const invitee = await inviteeContext.newPage();
    const inviteeErrors = watchForPageErrors(invitee);
    await invitee.goto(inviteUrl);
    await invitee.getByRole('heading', { name: 'Welcome, Noor Haddad' }).waitFor();
    await invitee.getByLabel('New password').fill('short');
    await invitee.getByLabel('Repeat the password').fill('short');
    await invitee.getByRole('button', { name: 'Set password' }).click();
    await expect(invitee.getByText(/at least 12 characters/).last().textContent()).resolves.toContain('must be at least 12 characters');
    await invitee.getByLabel('New password').fill('quiet river at dawn');
    await invitee.getByLabel('Repeat the password').fill('quiet river at dawn');
    await invitee.getByRole('button', { name: 'Set password' }).click();
    await invitee.getByText('Your password is set').waitFor();
    await invitee.getByLabel('Email').fill('noor@riverbend.example');
    await invitee.getByLabel('Password').fill('quiet river at dawn');
    await invitee.getByRole('button', { name: 'Sign in' }).click();
    await invitee.getByRole('heading', { name: 'Welcome, Noor Haddad' }).waitFor();
    const nav = invitee.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Staff' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'My caseload' }).count()).toBe(1);
    await snapshot(invitee, 'shell-clinician-home-360');

    await page.reload();
    const row = page.getByRole('listitem').filter({ hasText: 'Noor Haddad' });
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('button', { name: 'Yes, deactivate' }).click();
    await row.getByText('deactivated').waitFor();

    await nav.getByRole('link', { name: 'My caseload' }).click();
    await invitee.getByText('Your session has ended. Please sign in again.').waitFor();
    await invitee.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto(`${env.baseUrl}/staff`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect([...errors, ...inviteeErrors]).toEqual([]);
  });
});
