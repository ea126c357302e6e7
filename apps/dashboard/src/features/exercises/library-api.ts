import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LibraryItem, LibraryItemDetail, Page, SaveExerciseRequest, UpdateExerciseRequest } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export function useLibrary(filters: Record<string, string>, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.library.list(filters),
    queryFn: ({ pageParam }) => api.get<Page<LibraryItem>>(`/exercises${queryString({ ...filters, cursor: pageParam, limit: '24' })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export const useLibraryItem = (id: string, version?: number) =>
  useQuery({
    queryKey: keys.library.detail(id, version),
    queryFn: () => api.get<LibraryItemDetail>(version ? `/exercises/${id}/versions/${version}` : `/exercises/${id}`),
    enabled: id !== '',
  });

const useLibraryMutation = <TArgs>(fn: (args: TArgs) => Promise<LibraryItemDetail>) => useChange('library', fn, { wait: true });

export const useCreateExercise = () => useLibraryMutation((body: SaveExerciseRequest) => api.post<LibraryItemDetail>('/exercises', body));
export const useUpdateExercise = (id: string) => useLibraryMutation((body: UpdateExerciseRequest) => api.put<LibraryItemDetail>(`/exercises/${id}`, body));
export const useSetArchived = (id: string) => useLibraryMutation((archived: boolean) => api.post<LibraryItemDetail>(`/exercises/${id}/${archived ? 'archive' : 'restore'}`));
