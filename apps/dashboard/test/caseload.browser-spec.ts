import { describe, expect, it } from '@jest/globals';
import { newAdmin, newPractice, newStaff } from '../../api/test/support/factories.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors, chooseFromSearch } from './support/browser.js';

describe('caseloads in a real browser', () => {
  const env = useBrowserApp();

  it('an admin builds a caseload; the assigned clinician sees it, another clinician does not', async () => {
    const practice = await newPractice(env.t.db, 'Northside Therapy');
    const adminUser = await newAdmin(env.t.db, practice);
    const maya = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const sam = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });

    const admin = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(admin);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseloads' }).click();
    await admin.getByRole('heading', { name: 'Caseloads' }).waitFor();
    await admin.getByText('Everyone has a clinician.').waitFor();

    // Three clients: one straight onto Maya's caseload, two left unassigned for now.
    const newClient = admin.getByRole('region', { name: 'Add a client' });
    for (const [name, clinician] of [
      ['Priya Raman', 'Maya Okafor'],
      ['Daniel Okoye', ''],
      ['Grace Liu', ''],
    ] as const) {
      await newClient.getByLabel('Full name').fill(name);
      await newClient.getByLabel('Primary clinician').selectOption({ label: clinician || 'Assign later' });
      await newClient.getByRole('button', { name: 'Add client' }).click();
      await newClient.getByRole('status').filter({ hasText: `${name} was added` }).waitFor();
    }

    // Bad input is explained in words next to the field.
    await newClient.getByLabel('Full name').fill('Someone');
    await newClient.getByLabel('Email').fill('not an email');
    await newClient.getByRole('button', { name: 'Add client' }).click();
    await newClient.getByText('Email must be an email address').waitFor();

    // Two clicks: choose a clinician, assign.
    const waiting = admin.getByRole('region', { name: 'Waiting for a clinician' });
    await waiting.getByLabel('Clinician for Grace Liu').selectOption({ label: 'Sam Reyes' });
    await waiting.getByRole('button', { name: 'Assign Grace Liu' }).click();
    await waiting.getByRole('link', { name: 'Grace Liu' }).waitFor({ state: 'detached' });

    // A couple of Priya and Daniel, on Maya's caseload.
    const newCouple = admin.getByRole('region', { name: 'Add a couple' });
    await newCouple.getByLabel('Couple’s name').fill('Priya & Dan');
    for (const name of ['Priya', 'Daniel']) {
      await chooseFromSearch(newCouple, 'Find a client to add', name, new RegExp(`^${name}`));
    }
    await newCouple.getByLabel('Primary clinician for the couple').selectOption({ label: 'Maya Okafor' });
    await newCouple.getByRole('button', { name: 'Add couple' }).click();
    await newCouple.getByRole('status').filter({ hasText: 'Priya & Dan was added' }).waitFor();

    const board = admin.locator('table');
    await board.getByRole('row', { name: /Maya Okafor/ }).getByRole('cell').first().filter({ hasText: '1' }).waitFor();
    await snapshot(admin, 'caseload-admin-board');

    // Maya sees Priya, the couple, and Daniel through the couple; not Grace.
    const asMaya = await signInAs(env.browser, env.baseUrl, maya);
    await asMaya.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My caseload' }).click();
    await asMaya.getByRole('link', { name: 'Priya & Dan' }).waitFor();
    await asMaya.getByRole('link', { name: 'Priya Raman' }).waitFor();
    expect(await asMaya.getByRole('link', { name: 'Grace Liu' }).count()).toBe(0);
    await asMaya.getByRole('link', { name: 'Priya & Dan' }).click();
    await asMaya.getByRole('heading', { name: 'Priya & Dan' }).waitFor();
    await asMaya.getByText(/Exercises that need screening cannot be assigned/).waitFor();
    await asMaya.getByLabel('Screening result').selectOption({ label: 'Cleared for conjoint work' });
    await asMaya.getByRole('button', { name: 'Record screening' }).click();
    await asMaya.getByText(/Recorded by Maya Okafor/).waitFor();
    await snapshot(asMaya, 'caseload-couple-page');

    // Sam sees Grace only; opening Priya's page directly says there is nothing there.
    const asSam = await signInAs(env.browser, env.baseUrl, sam, 360);
    await asSam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My caseload' }).click();
    await asSam.getByRole('link', { name: 'Grace Liu' }).waitFor();
    expect(await asSam.getByRole('link', { name: 'Priya Raman' }).count()).toBe(0);
    expect(await asSam.getByRole('link', { name: 'Priya & Dan' }).count()).toBe(0);
    const priyaUrl = await asMaya.getByRole('link', { name: 'Priya Raman' }).getAttribute('href');
    await asSam.goto(`${env.baseUrl}${priyaUrl}`);
    await asSam.getByRole('heading', { name: 'Nothing here' }).waitFor();
    await snapshot(asSam, 'caseload-outsider-360');
    expect(errors).toEqual([]);
  });
});
