/** Something about backups an admin must act on; shaped to become an item of the attention queue. */
export interface BackupAttention {
  kind: 'backup_failed' | 'backup_overdue';
  severity: 'urgent' | 'warning';
  /** When the problem began: the failed run, or when the next good backup was due. */
  since: string;
  title: string;
  detail: string;
}

/** What admins see about the installation's backups (GET /api/backups/status). */
export interface BackupStatus {
  schedule: { enabled: boolean; at: string; timeZone: string; nextRunAt: string | null };
  lastSuccess: { at: string; fileName: string; bytes: number } | null;
  lastFailure: { at: string; message: string } | null;
  attention: BackupAttention | null;
}
