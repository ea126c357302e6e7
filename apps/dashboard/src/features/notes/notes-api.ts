import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { CreateNoteRequest, NoteDetail, UpdateNoteRequest } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

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
const useNoteMutation = <TArgs>(fn: (args: TArgs) => Promise<NoteDetail>, changesQueue = true) =>
  useChange(changesQueue ? 'note' : 'noteDraft', fn, {
    store: (queryClient, note) => queryClient.setQueryData(keys.notes.detail(note.id), note),
    // An addendum shows on its original note.
    also: (note) => (note.addendumOf ? [keys.notes.detail(note.addendumOf)] : []),
  });

export const useCreateNote = () => useNoteMutation((body: CreateNoteRequest) => api.post('/notes', { body }));
export const useSaveNote = (id: string) => useNoteMutation((body: UpdateNoteRequest) => api.patch('/notes/{id}', { path: { id }, body }), false);
export const useSignNote = (id: string) => useNoteMutation((version: number) => api.post('/notes/{id}/sign', { path: { id }, body: { version } }));
export const useAddAddendum = (id: string) => useNoteMutation(() => api.post('/notes/{id}/addenda', { path: { id } }));

/** Throws a draft away (its author only; the API refuses signed notes). */
export const useDiscardNote = (note: { id: string; addendumOf: string | null }) =>
  useChange('note', () => api.delete('/notes/{id}', { path: { id: note.id } }), { also: () => (note.addendumOf ? [keys.notes.detail(note.addendumOf)] : []) });
