import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';

/** The installation's backups, for admins; refreshed every few minutes while the page is open. */
export function useBackupStatus() {
  return useQuery({ queryKey: keys.backups(), queryFn: () => api.get('/backups/status'), refetchInterval: 5 * 60_000 });
}
