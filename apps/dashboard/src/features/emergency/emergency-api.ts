import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { EmergencyAccessGrant, EmergencyAccessNotice, EmergencyCandidate, EmergencyNote, EmergencyRecord, Page } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export const useEmergencyCandidates = (q: string) =>
  useQuery({
    queryKey: keys.emergency.candidates(q),
    queryFn: () => api.get<Page<EmergencyCandidate>>(`/emergency-access/clients${queryString({ q })}`),
    enabled: q.length >= 2,
  });

export const useMyEmergencyAccess = (enabled: boolean) =>
  useQuery({ queryKey: keys.emergency.mine(), queryFn: () => api.get<Page<EmergencyAccessGrant>>('/emergency-access'), enabled });

export function useEmergencyNotices() {
  return useInfiniteQuery({
    queryKey: keys.emergency.notices(),
    queryFn: ({ pageParam }) => api.get<Page<EmergencyAccessNotice>>(`/emergency-access/notices${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

const useEmergencyMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('emergency', fn, { wait: true });

export const useOpenEmergencyAccess = () =>
  useEmergencyMutation((body: { clientId: string; reason: string }) => api.post<EmergencyAccessGrant>('/emergency-access', body));
export const useEndEmergencyAccess = () => useEmergencyMutation((id: string) => api.post<EmergencyAccessGrant>(`/emergency-access/${id}/end`));
export const useMarkNoticeSeen = () => useEmergencyMutation((id: string) => api.post<void>(`/emergency-access/notices/${id}/seen`));

/** Not cached across visits: every look is a fresh, audited read. */
export const useEmergencyRecord = (id: string) =>
  useQuery({ queryKey: keys.emergency.record(id), queryFn: () => api.get<EmergencyRecord>(`/emergency-access/${id}/record`), staleTime: Infinity, gcTime: 0 });

export function useEmergencyNotes(id: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.emergency.notes(id),
    queryFn: ({ pageParam }) => api.get<Page<EmergencyNote>>(`/emergency-access/${id}/notes${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    staleTime: Infinity,
    gcTime: 0,
  });
}
