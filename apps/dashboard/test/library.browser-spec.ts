import { describe, expect, it } from '@jest/globals';
import { newPractice, newStaff } from '../../api/test/support/factories.js';
import { expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('the exercise library in a real browser', () => {
  const env = useBrowserApp();

  it('a clinician filters the library, previews an exercise as a client would, copies and edits it, and sees version 2', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
    await page.getByRole('heading', { name: 'Exercise library' }).waitFor();
    await page.getByRole('link', { name: 'My vulnerability ladder' }).waitFor();
    await expectCount(page.getByRole('article'), 23);

    const filters = page.getByRole('form', { name: 'Filter the library' });
    await filters.getByLabel('Source article').selectOption({ label: "You Can't Get There From Here: Pathways to Emotional Intimacy in Relationship" });
    await page.getByRole('link', { name: 'My vulnerability ladder' }).waitFor({ state: 'detached' });
    await expectCount(page.getByRole('article'), 8);
    await filters.getByLabel('For').selectOption({ label: 'Couple' });
    await page.getByRole('link', { name: 'Honouring who my partner is' }).waitFor({ state: 'detached' });
    await snapshot(page, 'library-filtered');
    await page.getByRole('link', { name: 'The 3% that is true' }).click();
    await page.getByText('Needs conjoint-safety screening.').waitFor();

    // The preview answers like the portal: the shared validation speaks up on submit.
    const phone = page.getByLabel('Preview on a phone');
    await phone.getByRole('button', { name: 'Check my answers' }).click();
    await phone.getByText(/needs an answer before you submit/).first().waitFor();
    await snapshot(page, 'library-preview');

    await page.goto(`${env.baseUrl}/library/builtin:small-acts-of-care`);
    await page.getByRole('heading', { level: 1, name: 'Small acts of care (daily)' }).waitFor();
    await page.getByRole('button', { name: 'Make a copy to adapt' }).click();
    await page.getByRole('heading', { name: 'Adapt a copy' }).waitFor();
    await page.getByLabel('Title').fill('Small acts of care for new parents');
    await page.getByRole('button', { name: 'Add: Scale' }).click();
    const steps = page.getByRole('group', { name: /^Step \d+: Scale$/ });
    const added = steps.last();
    await page.getByRole('button', { name: 'Save to our library' }).click();
    await added.getByText(/is required \(up to 2000 characters\)/).waitFor();
    await added.getByRole('textbox').first().fill('How rested do you feel today?');
    await page.getByRole('button', { name: 'Save to our library' }).click();
    await page.getByRole('heading', { level: 1, name: 'Small acts of care for new parents' }).waitFor();
    await page.getByText('version 1', { exact: true }).waitFor();
    await page.getByLabel('Preview on a phone').getByText('How rested do you feel today?').waitFor();

    await page.getByRole('button', { name: 'Edit (saves a new version)' }).click();
    await page.getByLabel('Summary').fill('Daily small acts of care, adapted for parents of a newborn.');
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('version 2', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Version 1' }).waitFor();
    await snapshot(page, 'library-version-2');
    await page.getByRole('link', { name: 'Version 1' }).click();
    await page.getByText('version 1', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  });
});
