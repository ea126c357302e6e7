import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LibraryItem, LibraryItemDetail, Page, SaveExerciseRequest, UpdateExerciseRequest } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export function useLibrary(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: keys.library.list(filters),
    queryFn: ({ pageParam }) => legacyApi.get<Page<LibraryItem>>(`/exercises${queryString({ ...filters, cursor: pageParam, limit: '24' })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useLibraryItem = (id: string, version?: number) =>
  useQuery({
    queryKey: keys.library.detail(id, version),
    queryFn: () => legacyApi.get<LibraryItemDetail>(version ? `/exercises/${id}/versions/${version}` : `/exercises/${id}`),
    enabled: id !== '',
  });

function useLibraryMutation<TArgs>(fn: (args: TArgs) => Promise<LibraryItemDetail>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.library.all() }) });
}

export const useCreateExercise = () => useLibraryMutation((body: SaveExerciseRequest) => legacyApi.post<LibraryItemDetail>('/exercises', body));
export const useUpdateExercise = (id: string) => useLibraryMutation((body: UpdateExerciseRequest) => legacyApi.put<LibraryItemDetail>(`/exercises/${id}`, body));
export const useSetArchived = (id: string) => useLibraryMutation((archived: boolean) => legacyApi.post<LibraryItemDetail>(`/exercises/${id}/${archived ? 'archive' : 'restore'}`));
