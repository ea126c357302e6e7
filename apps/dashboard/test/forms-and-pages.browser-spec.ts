import crypto from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { newAdmin, newClient, newCouple, newPractice, newStaff, portalAs, signIn } from '../../api/test/support/factories.js';
import { day, missEachOtherAnswers } from '../../api/test/homework/homework-helpers.js';
import { expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors, chooseFromSearch } from './support/browser.js';

describe('forms that refuse nonsense and pages that tell the truth, in a real browser', () => {
  const env = useBrowserApp();

  it('discharge asks first, names the homework it cancels, and afterwards the homework reads cancelled', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const assigned = await (await signIn(env.t, clinician))
      .post('/api/assignments')
      .send({ clientId: client.id, exerciseId: 'builtin:small-acts-of-care', instructions: '', dueOn: day(2), recurrence: 'weekly', count: 2 });
    expect(assigned.status).toBe(201);

    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My caseload' }).click();
    await page.getByText('1 due this week').waitFor();
    await page.getByRole('link', { name: 'Grace Liu' }).click();
    await page.getByRole('heading', { name: 'Grace Liu' }).waitFor();
    expect(await page.title()).toBe('Grace Liu · Tandem');
    const card = page.getByRole('article', { name: 'Small acts of care (daily)' });
    await card.getByText('Assigned', { exact: true }).waitFor();

    // One click is not enough: the confirmation says what happens, and "Keep active" changes nothing.
    await page.getByRole('button', { name: 'Discharge' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm discharging Grace Liu' });
    await confirm.getByText(/Their 1 open assignment \(“Small acts of care \(daily\)”\) will be cancelled; answers already submitted stay\./).waitFor();
    await confirm.getByText(/portal link stops working at once/).waitFor();
    await snapshot(page, 'discharge-confirm');
    await confirm.getByRole('button', { name: 'Keep active' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await env.t.db.query(`SELECT status FROM client WHERE id = $1`, [client.id]))[0].status).toBe('active');

    await page.getByRole('button', { name: 'Discharge' }).click();
    await page.getByRole('button', { name: 'Yes, discharge' }).click();
    await page.getByText(/^discharged /).waitFor();
    await card.getByText('Cancelled', { exact: true }).waitFor();
    expect(await card.getByText('In progress').count()).toBe(0);
    await snapshot(page, 'discharge-done');

    // The caseload no longer says anything is due.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My caseload' }).click();
    await page.getByRole('heading', { name: 'My caseload' }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Discharged' });
    await page.getByRole('link', { name: 'Grace Liu' }).waitFor();
    await page.getByText(/no homework activity yet|last activity/).first().waitFor();
    expect(await page.getByText('1 due this week').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a second client with the same name and date of birth is added only after the admin confirms; dates out of bounds are refused at the field', async () => {
    const practice = await newPractice(env.t.db);
    const adminUser = await newAdmin(env.t.db, practice);
    const page = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseloads' }).click();
    const form = page.getByRole('region', { name: 'Add a client' });
    const add = async (name: string, dateOfBirth: string) => {
      await form.getByLabel('Full name').fill(name);
      await form.getByLabel('Date of birth').fill(dateOfBirth);
      await form.getByRole('button', { name: 'Add client' }).click();
    };
    await add('Alex Moreno', '2031-01-01');
    await form.getByText('Date of birth cannot be in the future').waitFor();
    await add('Alex Moreno', '1800-01-01');
    await form.getByText('Date of birth must be on or after 1900-01-01').waitFor();

    await form.getByLabel('Preferred language').selectOption({ label: 'Spanish' });
    await add('Alex Moreno', '1985-03-02');
    await form.getByRole('status').filter({ hasText: 'Alex Moreno was added' }).waitFor();

    await add('Alex Moreno', '1985-03-02');
    const warning = form.getByRole('alert', { name: 'Possible duplicate' });
    await warning.getByText(/Alex Moreno, born 1985-03-02, is already an active client/).waitFor();
    await snapshot(page, 'duplicate-client-warning');
    const count = async () => Number((await env.t.db.query(`SELECT count(*) AS n FROM client WHERE practice_id = $1`, [practice.id]))[0].n);
    expect(await count()).toBe(1);
    await warning.getByRole('button', { name: 'Add as a different person' }).click();
    await form.getByRole('status').filter({ hasText: 'Alex Moreno was added' }).waitFor();
    expect(await count()).toBe(2);

    // "Don't add" leaves things as they were.
    await add('Alex Moreno', '1985-03-02');
    await warning.getByRole('button', { name: 'Don’t add' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await count()).toBe(2);
    const spanish = await env.t.db.query(`SELECT preferred_language FROM client WHERE practice_id = $1 ORDER BY created_at LIMIT 1`, [practice.id]);
    expect(spanish[0].preferred_language).toBe('es');
    expect(errors).toEqual([]);
  });

  it('a draft note’s date can change while it is a draft, never to the future, and a mis-started draft is discarded from the page', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [clinician] });
    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/clients/${client.id}`);
    const start = page.getByRole('form', { name: 'Start a session note' });
    await start.getByLabel('Session date').fill(day(365));
    await start.getByRole('button', { name: 'Start note' }).click();
    await start.getByText(/Session date cannot be in the future/).waitFor();
    await start.getByLabel('Session date').fill('2026-11-20');
    await start.getByRole('button', { name: 'Start note' }).click();
    await page.getByRole('heading', { name: /Session note, Nov 20, 2026/ }).waitFor();

    // The date is editable while the note is a draft: a future one is refused beside the field, a past one saves.
    await page.getByLabel('Session date').fill(day(30));
    await page.getByText('Session date cannot be in the future').waitFor();
    expect(await page.getByRole('button', { name: 'Sign note' }).isDisabled()).toBe(true);
    await page.getByLabel('Session date').fill('2026-11-19');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    await page.getByRole('heading', { name: /Session note, Nov 19, 2026/ }).waitFor();
    const stored = await env.t.db.query(`SELECT to_char(session_date, 'YYYY-MM-DD') AS d FROM session_note WHERE client_id = $1`, [client.id]);
    expect(stored[0].d).toBe('2026-11-19');

    await page.getByRole('button', { name: 'Discard draft' }).click();
    await page.getByRole('group', { name: 'Confirm discarding' }).getByRole('button', { name: 'Keep it' }).click();
    await page.getByRole('button', { name: 'Discard draft' }).click();
    await page.getByRole('button', { name: 'Yes, discard it' }).click();
    await page.getByRole('heading', { name: 'Grace Liu' }).waitFor();
    await page.getByText('No session notes yet.').waitFor();
    expect(await env.t.db.query(`SELECT 1 FROM session_note WHERE client_id = $1`, [client.id])).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('the audit page groups repeated reads, names people, says care-team changes from whom to whom, and refuses From after To', async () => {
    const practice = await newPractice(env.t.db);
    const adminUser = await newAdmin(env.t.db, practice);
    const maya = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const sam = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const client = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [maya] });
    const asMaya = await signIn(env.t, maya);
    const note = await asMaya.post('/api/notes').send({ clientId: client.id, sessionDate: day(0), format: 'free', kind: 'progress' });
    for (let i = 0; i < 4; i++) expect((await asMaya.get(`/api/notes/${note.body.id}`)).status).toBe(200);
    const asAdmin = await signIn(env.t, adminUser);
    await asAdmin.put(`/api/clients/${client.id}/care-team`).send({ primaryClinicianId: sam.id, otherClinicianIds: [] });
    await asAdmin.post('/api/staff').send({ email: 'rowan@test.example', name: 'Rowan Pike', roles: ['clinician'] });

    const page = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.title()).toBe('Audit log · Tandem');
    const table = page.locator('table');
    // Four reads of one note by one person, moments apart: one row with a count.
    await expectCount(table.getByRole('row').filter({ hasText: 'Read a session note' }), 1);
    await table.getByRole('row').filter({ hasText: 'Read a session note' }).getByText('4 times').waitFor();
    await table.getByRole('cell', { name: 'Invited a staff member: Rowan Pike — roles: clinician' }).waitFor();
    await table.getByRole('cell', { name: /Changed a client’s care team: Grace Liu — from Maya Okafor \(primary\) to Sam Reyes \(primary\)/ }).waitFor();
    expect(await table.getByText(/[0-9a-f]{8}-[0-9a-f]{4}-/).count()).toBe(0);
    await snapshot(page, 'audit-grouped');

    const whatHappened = page.getByLabel('What happened');
    for (const label of ['Session notes (all)', 'Homework assigned, moved or cancelled', 'Portal links']) {
      expect(await whatHappened.locator('option', { hasText: label }).count()).toBe(1);
    }
    await whatHappened.selectOption({ label: 'Session notes read' });
    await expectCount(table.getByRole('row'), 2);
    await whatHappened.selectOption({ label: 'Portal links' });
    await page.getByText('Nothing matches these filters.').waitFor();
    await whatHappened.selectOption({ label: 'Everything' });

    await page.getByLabel('From').fill('2026-11-20');
    await page.getByLabel('To').fill('2026-11-10');
    await page.getByText('To must be on or after From: nothing can match a range that ends before it starts.').waitFor();
    expect(await page.getByText('Nothing matches these filters.').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Export CSV' }).count()).toBe(0);
    await snapshot(page, 'audit-backwards-range');
    expect(errors).toEqual([]);
  });

  it('the caseload board: a couple’s members are not “waiting”, a clinician’s row opens their people, moving someone is two clicks, the care-team editor cancels', async () => {
    const practice = await newPractice(env.t.db);
    const adminUser = await newAdmin(env.t.db, practice);
    const maya = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman' });
    const dan = await newClient(env.t.db, practice, { name: 'Daniel Okoye' });
    await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [maya], displayName: 'Priya & Dan' });
    await newClient(env.t.db, practice, { name: 'Noor Haddad' });
    const grace = await newClient(env.t.db, practice, { name: 'Grace Liu', clinicians: [maya] });

    const page = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseloads' }).click();
    const waiting = page.getByRole('region', { name: 'Waiting for a clinician' });
    await waiting.getByRole('link', { name: 'Noor Haddad' }).waitFor();
    expect(await waiting.getByRole('link', { name: 'Priya Raman' }).count()).toBe(0);
    expect(await waiting.getByRole('link', { name: 'Daniel Okoye' }).count()).toBe(0);

    await page.locator('table').getByRole('row', { name: /Maya Okafor/ }).click();
    const people = page.getByRole('region', { name: 'Maya Okafor’s caseload' });
    await people.getByRole('link', { name: 'Priya & Dan' }).waitFor();
    await people.getByLabel('Move Grace Liu to').selectOption({ label: 'Sam Reyes' });
    await people.getByRole('button', { name: 'Move Grace Liu' }).click();
    await people.getByRole('link', { name: 'Grace Liu' }).waitFor({ state: 'detached' });
    const team = await env.t.db.query(
      `SELECT u.name FROM care_team_member ct JOIN staff_user u ON u.id = ct.staff_user_id WHERE ct.client_id = $1 AND ct.removed_at IS NULL AND ct.role = 'primary'`,
      [grace.id],
    );
    expect(team.map((r: { name: string }) => r.name)).toEqual(['Sam Reyes']);
    await snapshot(page, 'caseload-board-open-row');

    // Rows click through to the record; the care-team editor has a way out.
    await people.getByRole('link', { name: 'Priya & Dan' }).click();
    await page.getByRole('heading', { name: 'Priya & Dan' }).waitFor();
    await page.getByRole('button', { name: 'Change care team' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Change care team' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('on a phone the dashboard header stays compact, and the favicon is served', async () => {
    const practice = await newPractice(env.t.db, 'Northside Therapy and Family Counseling');
    const adminUser = await newStaff(env.t.db, practice, { roles: ['admin', 'clinician'], name: 'Maya Okafor' });
    const page = await signInAs(env.browser, env.baseUrl, adminUser, 360);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(r.url());
    });
    await page.reload();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
    const header = await page.locator('header').boundingBox();
    expect(header!.height).toBeLessThan(110);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const icon = await page.request.get(`${env.baseUrl}/favicon.svg`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/svg/);
    expect(failed).toEqual([]);
    await snapshot(page, 'header-phone');
  });

  it('staff roles and deactivation explain themselves, the exercise builder names the step at fault, and the assign form starts over after a weekly assignment', async () => {
    const practice = await newPractice(env.t.db);
    const adminUser = await newAdmin(env.t.db, practice);
    const sam = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Sam Reyes' });
    const client = await newClient(env.t.db, practice, { name: 'Noor Haddad', clinicians: [sam] });

    const admin = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(admin);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Staff' }).click();
    const row = admin.getByRole('listitem').filter({ hasText: 'Sam Reyes' });
    await row.getByLabel('Clinician').uncheck({ force: true }).catch(() => undefined);
    await row.getByRole('alert').getByText(/Sam Reyes needs at least one role\. Tick Admin first, then untick Clinician/).waitFor();
    expect(await row.getByLabel('Clinician').isChecked()).toBe(true);
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('group', { name: 'Confirm deactivating Sam Reyes' }).getByText(/Sam Reyes is still on the care team of 1 active client\./).waitFor();
    await snapshot(admin, 'staff-deactivate-warning');
    await row.getByRole('button', { name: 'Cancel' }).click();

    await admin.goto(`${env.baseUrl}/library/new`);
    await admin.getByRole('heading', { name: 'New exercise' }).waitFor();
    await admin.getByRole('button', { name: 'Add: Pick one' }).click();
    await admin.getByRole('textbox', { name: 'Step 3 choice 1' }).fill('Me');
    await admin.getByRole('textbox', { name: 'Step 3 choice 2' }).fill('me');
    await admin.getByRole('button', { name: 'Add: Scale' }).click();
    await admin.getByLabel('Step 4 lowest').fill('10');
    await admin.getByLabel('Step 4 highest').fill('0');
    await admin.getByRole('button', { name: 'Save to our library' }).click();
    await admin.getByText('Step 3, choice 2 is the same as choice 1').waitFor();
    await admin.getByText(/^Step 4 \(scale\): needs whole numbers with the lowest below the highest/).waitFor();
    await admin.getByText(/Some parts need attention before saving: step 1, step 2, step 3, step 4/).waitFor();
    expect(errors).toEqual([]);

    const page = await signInAs(env.browser, env.baseUrl, sam);
    await page.goto(`${env.baseUrl}/clients/${client.id}`);
    await page.getByRole('button', { name: 'Assign an exercise' }).click();
    const form = page.getByRole('form', { name: 'Assign homework' });
    await chooseFromSearch(form, 'Exercise', 'Small acts', 'Small acts of care (daily) (5 min)');
    await form.getByLabel('How often').selectOption({ label: 'Every week' });
    await form.getByLabel('Number of times').fill('3');
    await form.getByRole('button', { name: 'Assign' }).click();
    await form.getByText(/Assigned “Small acts of care \(daily\)”: 3 times/).waitFor();
    expect(await form.getByLabel('How often').inputValue()).toBe('once');
    expect(await form.getByLabel('Ends').count()).toBe(0);
    expect(await form.getByLabel('Number of times').count()).toBe(0);
    await form.getByLabel('Due', { exact: true }).waitFor();
  });

  it('a couple’s answers sit side by side on a wide screen, and the trend chart’s ticks are evenly spaced', async () => {
    const practice = await newPractice(env.t.db);
    const clinician = await newStaff(env.t.db, practice, { roles: ['clinician'], name: 'Maya Okafor' });
    const priya = await newClient(env.t.db, practice, { name: 'Priya Raman' });
    const dan = await newClient(env.t.db, practice, { name: 'Daniel Okoye' });
    const couple = await newCouple(env.t.db, practice, { members: [priya, dan], clinicians: [clinician], displayName: 'Priya & Dan', safety: 'cleared' });
    const assigned = await (await signIn(env.t, clinician))
      .post('/api/assignments')
      .send({ coupleId: couple.id, exerciseId: 'builtin:when-we-miss-each-other', instructions: '', dueOn: day(0), recurrence: 'once', sharing: 'private' });
    expect(assigned.status).toBe(201);
    for (const [member, score] of [[priya, 7], [dan, 4]] as const) {
      const portal = await portalAs(env.t, member, clinician);
      await portal
        .post(`/api/portal/assignments/${assigned.body.id}/occurrences/1/submit`)
        .send({ answers: missEachOtherAnswers(score), submissionId: crypto.randomUUID() })
        .expect(200);
    }
    const page = await signInAs(env.browser, env.baseUrl, clinician);
    const errors = watchForPageErrors(page);
    await page.goto(`${env.baseUrl}/couples/${couple.id}`);
    await page.getByRole('article', { name: 'When we miss each other' }).getByRole('button', { name: 'Show answers' }).click();
    await page.locator('[aria-label="Daniel Okoye’s answers"]').waitFor();
    await snapshot(page, 'couple-answers-side-by-side');
    const priyaBox = await page.locator('[aria-label="Priya Raman’s answers"]').boundingBox();
    const danBox = await page.locator('[aria-label="Daniel Okoye’s answers"]').boundingBox();
    expect(Math.abs(priyaBox!.y - danBox!.y)).toBeLessThan(5);
    const [left, right] = [priyaBox!, danBox!].sort((a, b) => a.x - b.x);
    expect(right!.x).toBeGreaterThanOrEqual(left!.x + left!.width);

    const yTicks = page.locator('figure.trend-chart text.recharts-cartesian-axis-tick-value[orientation="left"]');
    await yTicks.last().waitFor({ state: 'attached' });
    const ticks = await yTicks.allTextContents();
    expect(ticks).toEqual(['0', '2', '4', '6', '8', '10']);
    expect(errors).toEqual([]);
  });
});
