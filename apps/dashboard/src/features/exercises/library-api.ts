import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LibraryItemDetail, SaveExerciseRequest, UpdateExerciseRequest } from '@tandem/shared';
import { api, type ApiQuery } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export function useLibrary(filters: Record<string, string>, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.library.list(filters),
    queryFn: ({ pageParam }) => api.get('/exercises', { query: { ...filters, cursor: pageParam ?? undefined, limit: '24' } as ApiQuery<'/exercises'> }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export const useLibraryItem = (id: string, version?: number) =>
  useQuery({
    queryKey: keys.library.detail(id, version),
    queryFn: () => version ? api.get('/exercises/{id}/versions/{version}', { path: { id, version } }) : api.get('/exercises/{id}', { path: { id } }),
    enabled: id !== '',
  });

const useLibraryMutation = <TArgs>(fn: (args: TArgs) => Promise<LibraryItemDetail>) => useChange('library', fn, { wait: true });

export const useCreateExercise = () => useLibraryMutation((body: SaveExerciseRequest) => api.post('/exercises', { body }));
export const useUpdateExercise = (id: string) => useLibraryMutation((body: UpdateExerciseRequest) => api.put('/exercises/{id}', { path: { id }, body }));
export const useSetArchived = (id: string) => useLibraryMutation((archived: boolean) => archived ? api.post('/exercises/{id}/archive', { path: { id } }) : api.post('/exercises/{id}/restore', { path: { id } }));
