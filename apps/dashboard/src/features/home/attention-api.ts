import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

/** New submissions arrive while the page is open: the queue and its count look again every minute. */
const REFRESH_MS = 60_000;

export function useAttention(enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.attention.list(),
    queryFn: ({ pageParam }) => api.get('/attention', { query: { cursor: pageParam ?? undefined, limit: '20' } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: REFRESH_MS,
    enabled,
  });
}

export const useAttentionCount = () =>
  useQuery({ queryKey: keys.attention.count(), queryFn: () => api.get('/attention/count'), refetchInterval: REFRESH_MS });

/** Marks one member's submitted answers reviewed; the queue, its count and the homework that shows the answers refresh. */
export const useMarkReviewed = () => useChange('review', (responseId: string) => api.post('/responses/{id}/review', { path: { id: responseId } }));
