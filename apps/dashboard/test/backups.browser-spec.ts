import { describe, it } from '@jest/globals';
import { newAdmin, newPractice } from '../../api/test/support/factories.js';
import { signInAs, snapshot, useBrowserApp, watchForPageErrors } from './support/browser.js';

describe('backup status in a real browser', () => {
  const env = useBrowserApp();

  it('an admin sees a failed backup on the caseloads page, and the last good one once it works again', async () => {
    const practice = await newPractice(env.t.db, 'Lakeside Therapy');
    const adminUser = await newAdmin(env.t.db, practice);
    // A good nightly backup, then a failed one, as the schedule records them.
    await env.t.db.query(
      `INSERT INTO backup_run (trigger, started_at, finished_at, outcome, file_name, bytes, schema_version)
       VALUES ('scheduled', now() - interval '26 hours', now() - interval '26 hours', 'ok', 'tandem-earlier.tandem-backup', 4096, 'BackupRuns1764001200000')`,
    );
    await env.t.db.query(
      `INSERT INTO backup_run (trigger, started_at, finished_at, outcome, message)
       VALUES ('scheduled', now() - interval '2 hours', now() - interval '2 hours', 'failed', 'The disk holding the backup folder /srv/backups is full.')`,
    );

    const admin = await signInAs(env.browser, env.baseUrl, adminUser);
    const errors = watchForPageErrors(admin);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Caseloads' }).click();
    const alert = admin.getByRole('alert').filter({ hasText: 'The last backup failed.' });
    await alert.getByText(/The disk holding the backup folder \/srv\/backups is full\./).waitFor();
    await alert.getByText(/Last good backup: /).waitFor();
    await snapshot(admin, 'backup-failed-admin');

    await env.t.db.query(
      `INSERT INTO backup_run (trigger, started_at, finished_at, outcome, file_name, bytes, schema_version)
       VALUES ('manual', now(), now(), 'ok', 'tandem-now.tandem-backup', 4096, 'BackupRuns1764001200000')`,
    );
    await admin.reload();
    await admin.getByRole('region', { name: 'Backups' }).getByText(/^Last good backup: /).waitFor();
    await alert.waitFor({ state: 'detached' });
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });
});
