import { useInfiniteQuery } from '@tanstack/react-query';
import type { InviteResponse, InviteStaffRequest, Page, StaffMember, StaffRole } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { searchResults } from '../../ui/SearchCombobox';
import { useChange } from '../../api/changes';

export function useStaffList(q: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.staff.list(q),
    queryFn: ({ pageParam }) => api.get<Page<StaffMember>>(`/staff${queryString({ q, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

/** Staff whose name or email matches, for a combobox. */
export const useStaffSearch = (q: string, enabled: boolean) => searchResults(useStaffList(q, enabled), (m) => ({ id: m.id, label: m.name }));

const useStaffMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('staff', fn, { wait: true });

export const useInvite = () => useStaffMutation((body: InviteStaffRequest) => api.post<InviteResponse>('/staff', body));
export const useReissueInvite = () => useStaffMutation((id: string) => api.post<InviteResponse>(`/staff/${id}/invite`));
export const useSetRoles = () =>
  useStaffMutation(({ id, roles }: { id: string; roles: StaffRole[] }) => api.patch<StaffMember>(`/staff/${id}`, { roles }));
export const useDeactivate = () => useStaffMutation((id: string) => api.post<StaffMember>(`/staff/${id}/deactivate`));
export const useReactivate = () => useStaffMutation((id: string) => api.post<StaffMember>(`/staff/${id}/reactivate`));
