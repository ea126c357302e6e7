import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateNoteRequest, NoteDetail, NoteSummary, Page, UpdateNoteRequest } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export type NoteSubject = { clientId: string } | { coupleId: string };

export function useNotes(subject: NoteSubject) {
  return useInfiniteQuery({
    queryKey: keys.notes.list(subject),
    queryFn: ({ pageParam }) => legacyApi.get<Page<NoteSummary>>(`/notes${queryString({ ...subject, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useNote = (id: string) =>
  useQuery({ queryKey: keys.notes.detail(id), queryFn: () => legacyApi.get<NoteDetail>(`/notes/${id}`), refetchOnWindowFocus: false });

/** `changesQueue`: creating and signing notes change the attention queue (drafts, nothing assigned since the last note); autosaves do not. */
function useNoteMutation<TArgs>(fn: (args: TArgs) => Promise<NoteDetail>, changesQueue = true) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (note) => {
      queryClient.setQueryData(keys.notes.detail(note.id), note);
      void queryClient.invalidateQueries({ queryKey: keys.notes.lists() });
      if (note.addendumOf) void queryClient.invalidateQueries({ queryKey: keys.notes.detail(note.addendumOf) });
      if (changesQueue) void queryClient.invalidateQueries({ queryKey: keys.attention.all() });
    },
  });
}

export const useCreateNote = () => useNoteMutation((body: CreateNoteRequest) => legacyApi.post<NoteDetail>('/notes', body));
export const useSaveNote = (id: string) => useNoteMutation((body: UpdateNoteRequest) => legacyApi.patch<NoteDetail>(`/notes/${id}`, body), false);
export const useSignNote = (id: string) => useNoteMutation((version: number) => legacyApi.post<NoteDetail>(`/notes/${id}/sign`, { version }));
export const useAddAddendum = (id: string) => useNoteMutation(() => legacyApi.post<NoteDetail>(`/notes/${id}/addenda`));

/** Throws a draft away (its author only; the API refuses signed notes). */
export function useDiscardNote(note: { id: string; addendumOf: string | null }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => legacyApi.delete<void>(`/notes/${note.id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.notes.lists() });
      if (note.addendumOf) void queryClient.invalidateQueries({ queryKey: keys.notes.detail(note.addendumOf) });
    },
  });
}
