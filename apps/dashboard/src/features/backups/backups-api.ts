import { useQuery } from '@tanstack/react-query';
import type { BackupStatus } from '@tandem/shared';
import { legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

/** The installation's backups, for admins; refreshed every few minutes while the page is open. */
export function useBackupStatus() {
  return useQuery({ queryKey: keys.backups(), queryFn: () => legacyApi.get<BackupStatus>('/backups/status'), refetchInterval: 5 * 60_000 });
}
