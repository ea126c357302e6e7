import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { AssignmentDetail, CreateAssignmentRequest, IssuePortalLinkRequest } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export type HomeworkSubject = { clientId: string } | { coupleId: string };

export function useAssignments(subject: HomeworkSubject, since?: string) {
  return useInfiniteQuery({
    queryKey: keys.homework.list({ ...subject, since }),
    queryFn: ({ pageParam }) => api.get('/assignments', { query: { ...subject, since, cursor: pageParam ?? undefined, limit: '10' } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useAssignment = (id: string, enabled = true) =>
  useQuery({ queryKey: keys.homework.detail(id), queryFn: () => api.get('/assignments/{id}', { path: { id } }), enabled });

export const useTrends = (subject: HomeworkSubject) =>
  useQuery({ queryKey: keys.homework.trends(subject), queryFn: () => api.get('/assignments/trends', { query: subject }) });

/** Any change to homework refreshes its lists, trends and the counts that show it, the caseload board's overdue figures included. */
const useHomeworkMutation = <TArgs>(fn: (args: TArgs) => Promise<AssignmentDetail>) =>
  useChange('homework', fn, { store: (queryClient, assignment) => queryClient.setQueryData(keys.homework.detail(assignment.id), assignment) });

export const useAssign = () => useHomeworkMutation((body: CreateAssignmentRequest) => api.post('/assignments', { body }));
export const useCancelAssignment = (id: string) => useHomeworkMutation((version: number) => api.post('/assignments/{id}/cancel', { path: { id }, body: { version } }));
export const useReschedule = (id: string) =>
  useHomeworkMutation((body: { dueOn: string; version: number }) => api.patch('/assignments/{id}', { path: { id }, body }));

export const usePortalLink = (clientId: string) =>
  useQuery({ queryKey: keys.portalLink(clientId), queryFn: () => api.get('/clients/{id}/portal-link', { path: { id: clientId } }) });

export const useIssuePortalLink = (clientId: string) =>
  useChange('portalLink', (body: IssuePortalLinkRequest) => api.post('/clients/{id}/portal-link', { path: { id: clientId }, body }));

/** Puts the link on the record as copied (who and when) before it reaches the clipboard. */
export const useRecordPortalLinkCopy = (clientId: string) =>
  useMutation({ mutationFn: () => api.post('/clients/{id}/portal-link/copied', { path: { id: clientId } }) });

export const useRevokePortalLink = (clientId: string) => useChange('portalLink', () => api.delete('/clients/{id}/portal-link', { path: { id: clientId } }));

/** YYYY-MM-DD of a date `days` from today, in this browser's calendar. */
export function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export { formatDate } from '../../ui/dates';

/** What clients want to bring to the next session, from homework submitted since `since`. */
export const useToBring = (subject: HomeworkSubject, since?: string) =>
  useQuery({ queryKey: keys.homework.toBring({ ...subject, since }), queryFn: () => api.get('/assignments/to-bring', { query: { ...subject, since } }) });
