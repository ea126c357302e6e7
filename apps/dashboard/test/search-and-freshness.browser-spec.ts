import { describe, expect, it } from '@jest/globals';
import { newClient, newPractice, newStaff, signIn } from '../../api/test/support/factories.js';
import { backdate, day } from '../../api/test/homework/homework-helpers.js';
import { axeViolations } from './support/axe.js';
import { chooseFromSearch, expectCount, signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('pickers search the whole practice, and figures stay fresh, in a real browser', () => {
  const env = useBrowserApp();

  it('with 150 clients, an admin finds and chooses clients past the 100th: in the couple form and the audit filter, by typing, by keyboard and by scrolling', async () => {
    const practice = await newPractice(env.t.db);
    const admin = await newStaff(env.t.db, practice, { roles: ['admin'], name: 'Ada Admin' });
    // 149 clients sort before the ones we look for ("Client 001" … "Client 149"); the last two come after them.
    for (let i = 1; i <= 149; i++) await newClient(env.t.db, practice, { name: `Client ${String(i).padStart(3, '0')}` });
    const api = await signIn(env.t, admin);
    const created = await api.post('/api/clients').send({ name: 'Zora Quint' });
    expect(created.status).toBe(201);
    await newClient(env.t.db, practice, { name: 'Zeb Quarry' });

    const page = await signInAs(env.browser, env.baseUrl, admin);
    const errors = watchForPageErrors(page);

    // A couple of the 150th and the 151st client, found by typing part of a name.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseloads' }).click();
    const newCouple = page.getByRole('region', { name: 'Add a couple' });
    await newCouple.getByLabel('Couple’s name').fill('Zora & Zeb');
    await chooseFromSearch(newCouple, 'Find a client to add', 'quint', 'Zora Quint');
    // By keyboard: type, arrow down to the match, Enter.
    const find = newCouple.getByRole('combobox', { name: 'Find a client to add' });
    await find.fill('zeb q');
    await newCouple.getByRole('option', { name: 'Zeb Quarry' }).waitFor();
    await find.press('ArrowDown');
    await expect(find.getAttribute('aria-activedescendant')).resolves.toBeTruthy();
    await find.press('Enter');
    await newCouple.getByRole('button', { name: 'Add couple' }).click();
    await newCouple.getByRole('status').filter({ hasText: 'Zora & Zeb was added' }).waitFor();
    const [couple] = await env.t.db.query(
      `SELECT array_agg(c.name ORDER BY c.name) AS members FROM couple cp JOIN couple_member m ON m.couple_id = cp.id JOIN client c ON c.id = m.client_id
        WHERE cp.practice_id = $1 AND cp.display_name = 'Zora & Zeb'`,
      [practice.id],
    );
    expect(couple.members).toEqual(['Zeb Quarry', 'Zora Quint']);

    // The audit filter: the list opens with the first page and scrolling fetches the rest, past 100.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const subject = page.getByRole('combobox', { name: 'Client or couple' });
    await subject.click();
    const options = page.getByRole('listbox', { name: 'Client or couple: matches' }).getByRole('option');
    await options.first().waitFor();
    const firstPage = await options.count();
    expect(firstPage).toBeLessThan(152);
    for (let i = 0; i < 10 && (await options.count()) < 152; i++) {
      await page.getByRole('listbox', { name: 'Client or couple: matches' }).evaluate((list) => list.scrollTo(0, list.scrollHeight));
      await page.waitForTimeout(300);
    }
    await expectCount(options, 152); // 151 clients and the couple
    await snapshot(page, 'search-combobox-audit');
    // Open, with an option active: still WCAG 2.2 AA.
    await subject.press('ArrowDown');
    expect(await axeViolations(page)).toEqual([]);
    await subject.press('Escape');

    // Chosen by typing: the log shows what concerns Zora only.
    await chooseFromSearch(page, 'Client or couple', 'zora q', 'Zora Quint');
    await expect(subject.inputValue()).resolves.toBe('Zora Quint');
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Added a client')]));
    for (const text of await rows.allTextContents()) expect(text).toContain('Zora Quint');
    expect(errors).toEqual([]);
  });

  it('the caseload board’s overdue figure is fresh when an admin returns to it after cancelling overdue homework, without asking the server again', async () => {
    const practice = await newPractice(env.t.db);
    const maya = await newStaff(env.t.db, practice, { roles: ['admin', 'clinician'], name: 'Maya Okafor' });
    const sam = await newClient(env.t.db, practice, { name: 'Sam Idowu', clinicians: [maya] });
    const api = await signIn(env.t, maya);
    const assigned = await api
      .post('/api/assignments')
      .send({ clientId: sam.id, exerciseId: 'builtin:small-acts-of-care', instructions: 'Notice one small thing.', dueOn: day(2), recurrence: 'weekly', count: 1 });
    expect(assigned.status).toBe(201);
    await backdate(env.t.db, assigned.body.id as string, 5);

    const page = await signInAs(env.browser, env.baseUrl, maya);
    const errors = watchForPageErrors(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Caseloads' }).click();
    const overdueOf = (name: string) => page.getByRole('table').getByRole('row', { name: new RegExp(name) }).getByRole('cell').nth(2);
    await overdueOf('Maya Okafor').filter({ hasText: /^1$/ }).waitFor();

    // Maya cancels Sam's overdue homework on his page.
    await nav.getByRole('link', { name: 'My caseload' }).click();
    await page.getByRole('link', { name: 'Sam Idowu' }).click();
    const card = page.getByRole('article', { name: 'Small acts of care (daily)' });
    page.once('dialog', (dialog) => void dialog.accept());
    // The board is not on screen, yet the change refreshes its figures now.
    const boardRefreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/caseloads' && r.request().method() === 'GET', { timeout: 10_000 });
    await card.getByRole('button', { name: 'Cancel assignment' }).click();
    await card.getByText('Cancelled', { exact: true }).first().waitFor();
    expect((await boardRefreshed).status()).toBe(200);

    // Back to the board with the server holding every further answer about it: what shows is what the browser kept, and it is current.
    await page.route('**/api/caseloads', () => undefined);
    await nav.getByRole('link', { name: 'Caseloads' }).click();
    await page.getByRole('heading', { name: 'Caseloads' }).waitFor();
    await expect(overdueOf('Maya Okafor').textContent()).resolves.toBe('0');
    await snapshot(page, 'caseload-board-fresh-after-cancel');
    await page.unroute('**/api/caseloads');
    expect(errors).toEqual([]);
  });
});
