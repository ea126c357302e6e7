import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CSI4, PHQ9, type Instrument } from '@tandem/shared';
import { newClient, newCouple, newPortalLink, newPractice, newStaff, portalAs } from '../../api/test/support/factories.js';
import { backdate } from '../../api/test/homework/homework-helpers.js';
import { axeViolations } from './support/axe.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

const PHONE = { width: 360, height: 740 };
const answers = (m: Instrument, values: number[]) => Object.fromEntries(m.items.map((item, i) => [item.id, String(values[i])]));

describe('outcome measures in a real browser', () => {
  const env = useBrowserApp();

  /**
   * Everything above is answered within seconds; spread the answers over the
   * weeks they stand for (occurrence `seq` of `of`: `of - seq` weeks ago).
   * Scores are append-only, so the guard is lifted for this one test update.
   */
  async function answeredWeeksAgo(assignmentId: string, of: number) {
    await env.t.db.query(`ALTER TABLE measure_score DISABLE TRIGGER measure_score_guard`);
    try {
      await env.t.db.query(`UPDATE measure_score SET taken_at = taken_at - make_interval(days => ($2 - seq) * 7) WHERE assignment_id = $1`, [assignmentId, of]);
    } finally {
      await env.t.db.query(`ALTER TABLE measure_score ENABLE TRIGGER measure_score_guard`);
    }
  }

  it('a clinician assigns CSI-4 to a couple weekly; over three weeks the couple page charts both partners and the gap; PHQ-9 for one partner shows band and change', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman', clinicians: [clinician] });
    const dan = await newClient(env.t.db, practice, { name: 'Dan Okoro' });
    const couple = await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [clinician], displayName: 'Priya & Dan' });

    // The clinician gives CSI-4 every week, three times.
    const desk = await signInAs(env.browser, env.baseUrl, clinician);
    const deskErrors = watchForPageErrors(desk);
    await desk.goto(`${env.baseUrl}/couples/${couple.id}`);
    await desk.getByRole('button', { name: 'Assign a measure' }).click();
    const form = desk.getByRole('form', { name: 'Assign a measure' });
    await form.getByLabel('Measure').selectOption({ label: 'Couples Satisfaction Index (CSI-4) — 4 questions' });
    await form.getByLabel('How often').selectOption({ label: 'Every few weeks' });
    await form.getByLabel('Every how many weeks').fill('1');
    await form.getByLabel('Number of times').fill('3');
    await form.getByRole('button', { name: 'Assign measure' }).click();
    await form.getByText(/Assigned CSI-4: 3 times/).waitFor();
    const [{ assignment_id: csiId }] = await env.t.db.query(`SELECT assignment_id FROM measure_assignment WHERE practice_id = $1 AND measure = 'csi-4'`, [practice.id]);
    // As if it had been given two weeks ago: all three weeks are open.
    await backdate(env.t.db, csiId, 14);

    // Week 1, Priya on her phone: one question at a time, the published labels, crisis help on the page.
    const token = await newPortalLink(env.t.db, { id: priya.id, practiceId: practice.id }, clinician);
    const phone = await (await env.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true })).newPage();
    const phoneErrors = watchForPageErrors(phone);
    await phone.goto(`${env.baseUrl}/p/${token}`);
    await phone.getByRole('link', { name: /Couples Satisfaction Index/ }).first().click();
    await phone.getByRole('heading', { level: 1, name: CSI4.title }).waitFor();
    await phone.getByText('Question 1 of 4').waitFor();
    const first = phone.getByRole('group', { name: CSI4.items[0]!.text });
    expect(await first.getByRole('radio').count()).toBe(7);
    for (const label of ['Extremely Unhappy', 'Perfect']) await first.getByLabel(label, { exact: true }).waitFor();
    await expect(phone.getByRole('group', { name: CSI4.items[1]!.text }).count()).resolves.toBe(0);
    await phone.getByRole('link', { name: 'Emergency: call 911' }).waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    await snapshot(phone, 'measures-portal-question-phone');
    // Submitting with questions unanswered says which, and takes her to the first one.
    await first.getByLabel('A Little Unhappy', { exact: true }).check();
    await phone.getByRole('button', { name: 'Submit my answers' }).click();
    await phone.getByText('3 answers need attention before you submit').waitFor();
    await phone.getByText('Question 2 of 4').waitFor();
    const picks = ['Somewhat true', 'Somewhat', 'Mostly'];
    for (const [i, pick] of picks.entries()) {
      await phone.getByRole('group', { name: CSI4.items[i + 1]!.text }).getByLabel(pick, { exact: true }).check();
      if (i < picks.length - 1) await phone.getByRole('button', { name: 'Next question' }).click();
    }
    await phone.getByRole('button', { name: 'Submit my answers' }).click();
    await phone.getByText(/^Saved\. Your clinician will see your answers/).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Priya: 2 + 2 + 2 + 3 = 9 in week 1.

    // The rest of the three weeks, submitted through the portal API: Priya 9 → 12 → 15, Dan 16 → 15 → 17.
    const asPriya = await portalAs(env.t, priya, clinician);
    const asDan = await portalAs(env.t, dan, clinician);
    const send = async (agent: Awaited<ReturnType<typeof portalAs>>, seq: number, values: number[]) => {
      const res = await agent.post(`/api/portal/assignments/${csiId}/occurrences/${seq}/submit`).send({ answers: answers(CSI4, values), submissionId: crypto.randomUUID() });
      expect(res.status).toBe(200);
    };
    await send(asDan, 1, [4, 4, 4, 4]);
    await send(asPriya, 2, [3, 3, 3, 3]);
    await send(asDan, 2, [3, 4, 4, 4]);
    await send(asPriya, 3, [3, 4, 4, 4]);
    await send(asDan, 3, [4, 4, 4, 5]);
    await answeredWeeksAgo(csiId, 3);

    // The couple page: both lines on one chart, and the gap between them over time.
    await desk.reload();
    const measure = desk.locator('section[data-measure="csi-4"]');
    await measure.getByRole('heading', { name: /CSI-4/ }).waitFor();
    const chart = measure.getByRole('img', { name: /CSI-4 over time: Dan Okoro and Priya Raman/ });
    await chart.waitFor();
    expect(await chart.locator('g[data-person]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-person')))).toEqual(['Dan Okoro', 'Priya Raman']);
    await measure.getByRole('img', { name: 'Gap between partners on CSI-4' }).waitFor();
    await measure.getByText('Gap between partners on CSI-4: as a table').click();
    const gapTable = measure.getByRole('table', { name: 'Gap between partners on CSI-4' });
    expect(await gapTable.locator('tbody td').allTextContents()).toEqual(['7', '3', '2']);
    const priyaLine = measure.getByRole('listitem').filter({ hasText: 'Priya Raman:' });
    await priyaLine.getByText('Above the distress cut-off').waitFor();
    await priyaLine.getByText(/\+6 points since the first score, out of the clinical range \(cut-off 13\.5\)/).waitFor();
    expect(await axeViolations(desk)).toEqual([]);
    await snapshot(desk, 'measures-couple-page');

    // PHQ-9 for Priya alone: 14 then 8, her page shows the band and that she has recovered.
    await desk.goto(`${env.baseUrl}/clients/${priya.id}`);
    await desk.getByRole('button', { name: 'Assign a measure' }).click();
    const clientForm = desk.getByRole('form', { name: 'Assign a measure' });
    await clientForm.getByLabel('Measure').selectOption({ label: 'Patient Health Questionnaire (PHQ-9) — 9 questions' });
    await clientForm.getByLabel('Number of times').fill('2');
    await clientForm.getByRole('button', { name: 'Assign measure' }).click();
    await clientForm.getByText(/Assigned PHQ-9: 2 times/).waitFor();
    const [{ assignment_id: phq }] = await env.t.db.query(`SELECT assignment_id FROM measure_assignment WHERE practice_id = $1 AND measure = 'phq-9'`, [practice.id]);
    await backdate(env.t.db, phq, 7);
    for (const [seq, values] of [
      [1, [2, 2, 2, 2, 2, 2, 2, 0, 0]],
      [2, [1, 1, 1, 1, 1, 1, 1, 1, 0]],
    ] as const) {
      const res = await asPriya.post(`/api/portal/assignments/${phq}/occurrences/${seq}/submit`).send({ answers: answers(PHQ9, [...values]), submissionId: crypto.randomUUID() });
      expect(res.status).toBe(200);
    }
    await answeredWeeksAgo(phq, 2);
    await desk.reload();
    const phqBlock = desk.locator('section[data-measure="phq-9"]');
    const line = phqBlock.getByRole('listitem').filter({ hasText: 'Priya Raman:' });
    await line.getByText('Mild', { exact: true }).waitFor();
    await line.getByText('Recovered', { exact: true }).waitFor();
    await line.getByText(/−6 points since the first score/).waitFor();
    await phqBlock.getByRole('img', { name: 'PHQ-9 over time' }).waitFor();
    expect(await axeViolations(desk)).toEqual([]);
    await snapshot(desk, 'measures-client-page');

    // A session note: its homework block lists the measures taken since the last session, with their change.
    await desk.getByRole('form', { name: 'Start a session note' }).getByRole('button', { name: 'Start note' }).click();
    const block = desk.getByRole('region', { name: 'Homework since the last session' });
    const taken = block.getByRole('region', { name: 'Measures taken since the last session' });
    const phqTaken = taken.getByRole('listitem').filter({ hasText: 'PHQ-9 · Priya Raman' });
    await phqTaken.getByText('Recovered', { exact: true }).waitFor();
    await phqTaken.getByText(/now Mild/).waitFor();

    // My caseload: her latest scores and which way they moved.
    await desk.goto(`${env.baseUrl}/caseload`);
    const row = desk.getByRole('listitem').filter({ has: desk.getByRole('link', { name: 'Priya Raman' }) });
    await row.locator('[data-measure="phq-9"]').getByText(/PHQ-9 8/).waitFor();
    await row.getByText('better than the time before').first().waitFor({ state: 'attached' });

    expect(deskErrors).toEqual([]);
    expect(phoneErrors).toEqual([]);
  });
});
