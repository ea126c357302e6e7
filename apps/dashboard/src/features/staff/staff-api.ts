import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { InviteResponse, InviteStaffRequest, Page, StaffMember, StaffRole } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export function useStaffList(q: string) {
  return useInfiniteQuery({
    queryKey: keys.staff.list(q),
    queryFn: ({ pageParam }) => legacyApi.get<Page<StaffMember>>(`/staff${queryString({ q, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useStaffMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.staff.all() }),
  });
}

export const useInvite = () => useStaffMutation((body: InviteStaffRequest) => legacyApi.post<InviteResponse>('/staff', body));
export const useReissueInvite = () => useStaffMutation((id: string) => legacyApi.post<InviteResponse>(`/staff/${id}/invite`));
export const useSetRoles = () =>
  useStaffMutation(({ id, roles }: { id: string; roles: StaffRole[] }) => legacyApi.patch<StaffMember>(`/staff/${id}`, { roles }));
export const useDeactivate = () => useStaffMutation((id: string) => legacyApi.post<StaffMember>(`/staff/${id}/deactivate`));
export const useReactivate = () => useStaffMutation((id: string) => legacyApi.post<StaffMember>(`/staff/${id}/reactivate`));
