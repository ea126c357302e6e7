import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EmergencyAccessGrant, EmergencyAccessNotice, EmergencyCandidate, EmergencyNote, EmergencyRecord, Page } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export const useEmergencyCandidates = (q: string) =>
  useQuery({
    queryKey: keys.emergency.candidates(q),
    queryFn: () => legacyApi.get<Page<EmergencyCandidate>>(`/emergency-access/clients${queryString({ q })}`),
    enabled: q.length >= 2,
  });

export const useMyEmergencyAccess = (enabled: boolean) =>
  useQuery({ queryKey: keys.emergency.mine(), queryFn: () => legacyApi.get<Page<EmergencyAccessGrant>>('/emergency-access'), enabled });

export function useEmergencyNotices() {
  return useInfiniteQuery({
    queryKey: keys.emergency.notices(),
    queryFn: ({ pageParam }) => legacyApi.get<Page<EmergencyAccessNotice>>(`/emergency-access/notices${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

function useEmergencyMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.emergency.all() }) });
}

export const useOpenEmergencyAccess = () =>
  useEmergencyMutation((body: { clientId: string; reason: string }) => legacyApi.post<EmergencyAccessGrant>('/emergency-access', body));
export const useEndEmergencyAccess = () => useEmergencyMutation((id: string) => legacyApi.post<EmergencyAccessGrant>(`/emergency-access/${id}/end`));
export const useMarkNoticeSeen = () => useEmergencyMutation((id: string) => legacyApi.post<void>(`/emergency-access/notices/${id}/seen`));

/** Not cached across visits: every look is a fresh, audited read. */
export const useEmergencyRecord = (id: string) =>
  useQuery({ queryKey: keys.emergency.record(id), queryFn: () => legacyApi.get<EmergencyRecord>(`/emergency-access/${id}/record`), staleTime: Infinity, gcTime: 0 });

export function useEmergencyNotes(id: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.emergency.notes(id),
    queryFn: ({ pageParam }) => legacyApi.get<Page<EmergencyNote>>(`/emergency-access/${id}/notes${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    staleTime: Infinity,
    gcTime: 0,
  });
}
