import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { newClient, newPractice, newStaff, portalAs, signIn } from '../../api/test/support/factories.js';
import { backdate, day, smallActsAnswers } from '../../api/test/homework/homework-helpers.js';
import { expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('the attention queue, in a real browser', () => {
  const env = useBrowserApp();

  it('a clinician sees submitted answers on the home page, opens them, marks them reviewed, and they leave the queue and the count', async () => {
    const practice = await newPractice(env.t.db);
    const maya = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const ruth = await newClient(env.t.db, practice, { name: 'Ruth Abara', clinicians: [maya] });
    const sam = await newClient(env.t.db, practice, { name: 'Sam Idowu', clinicians: [maya] });

    // Homework for both; Ruth answers hers, Sam's is overdue.
    const api = await signIn(env.t, maya);
    const assign = async (clientId: string) => {
      const res = await api
        .post('/api/assignments')
        .send({ clientId, exerciseId: 'builtin:small-acts-of-care', instructions: 'Notice one small thing.', dueOn: day(2), recurrence: 'weekly', count: 1 });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const ruthsHomework = await assign(ruth.id);
    await backdate(env.t.db, await assign(sam.id), 5);
    const portal = await portalAs(env.t, ruth, maya);
    const submitted = await portal
      .post(`/api/portal/assignments/${ruthsHomework}/occurrences/1/submit`)
      .send({ answers: smallActsAnswers(7, 'watered the plants'), submissionId: crypto.randomUUID() });
    expect(submitted.status).toBe(200);

    const page = await signInAs(env.browser, env.baseUrl, maya);
    const errors = watchForPageErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByLabel('2 need your attention').waitFor();
    const queue = page.getByRole('list', { name: 'Needs your attention' });
    const row = queue.getByRole('link', { name: 'Ruth Abara submitted “Small acts of care (daily)”' });
    await row.waitFor();
    await queue.getByRole('link', { name: /^Sam Idowu: “Small acts of care \(daily\)” was due/ }).waitFor();
    await expectCount(queue.getByRole('listitem'), 2);
    await snapshot(page, 'attention-queue');

    // One click opens the answers on Ruth's page.
    await row.click();
    await page.waitForURL(`**/clients/${ruth.id}?assignment=${ruthsHomework}`);
    const answers = page.getByRole('definition').filter({ hasText: 'watered the plants' });
    await answers.waitFor();
    await page.getByRole('button', { name: 'Mark Ruth Abara’s answers reviewed' }).click();
    await page.getByText(/^Reviewed /).waitFor();
    await nav.getByLabel('1 needs your attention').waitFor();
    await snapshot(page, 'attention-reviewed');

    // Back home: Ruth's answers are gone; Sam's overdue homework stays.
    await nav.getByRole('link', { name: /^Home/ }).click();
    await queue.getByRole('link', { name: /^Sam Idowu/ }).waitFor();
    await expectCount(queue.getByRole('listitem'), 1);
    expect(await queue.getByRole('link', { name: /Ruth Abara/ }).count()).toBe(0);
    const [event] = await env.t.db.query(`SELECT actor_id FROM audit_event WHERE action = 'response.reviewed' AND subject_id = $1`, [ruth.id]);
    expect(event).toEqual({ actor_id: maya.id });
    expect(errors).toEqual([]);
  });
});
