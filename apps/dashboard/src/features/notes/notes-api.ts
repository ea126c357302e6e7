import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateNoteRequest, NoteDetail, UpdateNoteRequest } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';

export type NoteSubject = { clientId: string } | { coupleId: string };

export function useNotes(subject: NoteSubject) {
  return useInfiniteQuery({
    queryKey: keys.notes.list(subject),
    queryFn: ({ pageParam }) => api.get('/notes', { query: { ...subject, cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useNote = (id: string) =>
  useQuery({ queryKey: keys.notes.detail(id), queryFn: () => api.get('/notes/{id}', { path: { id } }), refetchOnWindowFocus: false });

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

export const useCreateNote = () => useNoteMutation((body: CreateNoteRequest) => api.post('/notes', { body }));
export const useSaveNote = (id: string) => useNoteMutation((body: UpdateNoteRequest) => api.patch('/notes/{id}', { path: { id }, body }), false);
export const useSignNote = (id: string) => useNoteMutation((version: number) => api.post('/notes/{id}/sign', { path: { id }, body: { version } }));
export const useAddAddendum = (id: string) => useNoteMutation(() => api.post('/notes/{id}/addenda', { path: { id } }));

/** Throws a draft away (its author only; the API refuses signed notes). */
export function useDiscardNote(note: { id: string; addendumOf: string | null }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/notes/{id}', { path: { id: note.id } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.notes.lists() });
      if (note.addendumOf) void queryClient.invalidateQueries({ queryKey: keys.notes.detail(note.addendumOf) });
    },
  });
}
