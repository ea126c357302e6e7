import type { BackupStatus } from '@tandem/shared';
import { useBackupStatus } from './backups-api';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function summary(status: BackupStatus): string {
  const next = status.schedule.nextRunAt ? ` Next backup: ${when(status.schedule.nextRunAt)}.` : '';
  if (status.lastSuccess) return `Last good backup: ${when(status.lastSuccess.at)}.${next}`;
  if (status.attention) return `There is no good backup yet.${next}`;
  if (!status.schedule.enabled) return 'No backup yet, and scheduled backups are off. Run “npm run backup” on the server.';
  return `No backup yet.${next}`;
}

/** Backups, as an admin needs to see them: the last good one, and a failure or a long gap loudly. */
export function BackupStatusPanel() {
  const status = useBackupStatus();
  if (!status.data) return null;
  const { attention } = status.data;
  return (
    <section aria-label="Backups">
      {attention ? (
        <div className="alert alert--error" role="alert">
          <strong>{attention.title}.</strong>{' '}
          {attention.kind === 'backup_failed' ? status.data.lastFailure?.message : 'Scheduled backups run only while Tandem is running.'}
          <br />
          {summary(status.data)} Check the server’s log and the backup folder, or run <code>npm run backup</code> there to see the error.
        </div>
      ) : (
        <p className="muted">{summary(status.data)}</p>
      )}
    </section>
  );
}
