import { describe, expect, it } from '@jest/globals';
import { newClient, newClinician, newPractice, signIn } from '../../api/test/support/factories.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('emergency access in a real browser', () => {
  const env = useBrowserApp();

  it('a clinician outside the care team opens a record for a reason, reads progress notes only, and the care team is told', async () => {
    const practice = await newPractice(env.t.db, 'Maple Counseling');
    const primary = await newClinician(env.t.db, practice);
    const colleague = await newClinician(env.t.db, practice);
    const client = await newClient(env.t.db, practice, { name: 'Jonah Whitfield', clinicians: [primary] });
    const api = await signIn(env.t, primary);
    for (const [kind, text] of [['progress', 'Safety plan reviewed; sister is the first contact.'], ['psychotherapy', 'Private process reflections.']] as const) {
      const note = await api.post('/api/notes').send({ clientId: client.id, sessionDate: '2026-11-20', format: 'SOAP', kind });
      await api.patch(`/api/notes/${note.body.id}`).send({ sections: { subjective: text }, version: note.body.version });
    }

    const page = await signInAs(env.browser, env.baseUrl, colleague);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Emergency access' }).click();
    await page.getByLabel('Client’s name').fill('whit');
    await page.getByRole('button', { name: 'Jonah Whitfield' }).click();
    await page.getByLabel('Why you need this record now').fill('He called the front desk in distress; his clinician is away.');
    await snapshot(page, 'emergency-open');
    await page.getByRole('button', { name: 'Open the record' }).click();
    await page.getByRole('heading', { name: 'Jonah Whitfield' }).waitFor();
    await page.getByText(/Emergency access until/).waitFor();
    await page.getByText('Safety plan reviewed; sister is the first contact.').waitFor();
    expect(await page.getByText('Private process reflections.').count()).toBe(0);
    await snapshot(page, 'emergency-record');

    const primaryPage = await signInAs(env.browser, env.baseUrl, primary);
    await primaryPage.goto(`${env.baseUrl}/emergency`);
    await primaryPage.getByText(`${colleague.name} opened Jonah Whitfield’s record`).waitFor();
    await primaryPage.getByText('He called the front desk in distress', { exact: false }).waitFor();
    await snapshot(primaryPage, 'emergency-notice');
    expect(errors).toEqual([]);
  });
});
