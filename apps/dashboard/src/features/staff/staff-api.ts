import { useInfiniteQuery } from '@tanstack/react-query';
import type { InviteStaffRequest, StaffRole } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { searchResults } from '../../ui/SearchCombobox';
import { useChange } from '../../api/changes';

export function useStaffList(q: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.staff.list(q),
    queryFn: ({ pageParam }) => api.get('/staff', { query: { q, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

/** Staff whose name or email matches, for a combobox. */
export const useStaffSearch = (q: string, enabled: boolean) => searchResults(useStaffList(q, enabled), (m) => ({ id: m.id, label: m.name }));

const useStaffMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('staff', fn, { wait: true });

export const useInvite = () => useStaffMutation((body: InviteStaffRequest) => api.post('/staff', { body }));
export const useReissueInvite = () => useStaffMutation((id: string) => api.post('/staff/{id}/invite', { path: { id } }));
export const useSetRoles = () =>
  useStaffMutation(({ id, roles }: { id: string; roles: StaffRole[] }) => api.patch('/staff/{id}', { path: { id }, body: { roles } }));
export const useDeactivate = () => useStaffMutation((id: string) => api.post('/staff/{id}/deactivate', { path: { id } }));
export const useReactivate = () => useStaffMutation((id: string) => api.post('/staff/{id}/reactivate', { path: { id } }));
