import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export const useEmergencyCandidates = (q: string) =>
  useQuery({
    queryKey: keys.emergency.candidates(q),
    queryFn: () => api.get('/emergency-access/clients', { query: { q } }),
    enabled: q.length >= 2,
  });

export const useMyEmergencyAccess = (enabled: boolean) =>
  useQuery({ queryKey: keys.emergency.mine(), queryFn: () => api.get('/emergency-access'), enabled });

export function useEmergencyNotices() {
  return useInfiniteQuery({
    queryKey: keys.emergency.notices(),
    queryFn: ({ pageParam }) => api.get('/emergency-access/notices', { query: { cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

const useEmergencyMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('emergency', fn, { wait: true });

export const useOpenEmergencyAccess = () =>
  useEmergencyMutation((body: { clientId: string; reason: string }) => api.post('/emergency-access', { body }));
export const useEndEmergencyAccess = () => useEmergencyMutation((id: string) => api.post('/emergency-access/{id}/end', { path: { id } }));
export const useMarkNoticeSeen = () => useEmergencyMutation((id: string) => api.post('/emergency-access/notices/{id}/seen', { path: { id } }));

/** Not cached across visits: every look is a fresh, audited read. */
export const useEmergencyRecord = (id: string) =>
  useQuery({ queryKey: keys.emergency.record(id), queryFn: () => api.get('/emergency-access/{id}/record', { path: { id } }), staleTime: Infinity, gcTime: 0 });

export function useEmergencyNotes(id: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.emergency.notes(id),
    queryFn: ({ pageParam }) => api.get('/emergency-access/{id}/notes', { path: { id }, query: { cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    staleTime: Infinity,
    gcTime: 0,
  });
}
