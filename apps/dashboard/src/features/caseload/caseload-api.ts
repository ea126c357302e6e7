import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ClientSummary, ConjointSafety, CoupleSummary, CreateClientRequest, CreateCoupleRequest, SetCareTeamRequest, StaffMember, UpdateClientRequest } from '@tandem/shared';
import { api, type ApiQuery } from '../../api/client';
import { keys } from '../../api/query-keys';
import { searchResults, type ComboOption, type SearchResults } from '../../ui/SearchCombobox';
import { useChange } from '../../api/changes';

export type ClientFilters = Record<string, string>;

export function useClients(filters: ClientFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.clients.list(filters),
    queryFn: ({ pageParam }) => api.get('/clients', { query: { ...filters, cursor: pageParam } as ApiQuery<'/clients'> }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export function useCouples(filters: Record<string, string>, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.couples.list(filters),
    queryFn: ({ pageParam }) => api.get('/couples', { query: { ...filters, cursor: pageParam } as ApiQuery<'/couples'> }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export const clientOption = (c: ClientSummary): ComboOption => ({ id: c.id, label: c.name });
export const coupleOption = (c: CoupleSummary): ComboOption => ({ id: c.id, label: c.displayName, hint: 'couple' });

/** Active clients whose name matches, page after page, for a combobox. */
export const useActiveClientSearch = (q: string, enabled: boolean) => searchResults(useClients({ q, status: 'active' }, enabled), clientOption);

/** Couples, then clients, whose name matches (the audit log's "client or couple"). */
export function useSubjectSearch(q: string, enabled: boolean): SearchResults {
  const couples = searchResults(useCouples({ q }, enabled), coupleOption);
  const clients = searchResults(useClients({ q }, enabled), clientOption);
  return {
    options: [...couples.options, ...clients.options],
    pending: couples.pending || clients.pending,
    hasMore: couples.hasMore || clients.hasMore,
    loadingMore: couples.loadingMore || clients.loadingMore,
    loadMore: () => {
      if (couples.hasMore) couples.loadMore();
      if (clients.hasMore) clients.loadMore();
    },
    error: couples.error ?? clients.error,
  };
}

export const useClient = (id: string) => useQuery({ queryKey: keys.clients.detail(id), queryFn: () => api.get('/clients/{id}', { path: { id } }) });
export const useCouple = (id: string) => useQuery({ queryKey: keys.couples.detail(id), queryFn: () => api.get('/couples/{id}', { path: { id } }) });
export const useCaseloadBoard = (enabled = true) => useQuery({ queryKey: keys.caseloads(), queryFn: () => api.get('/caseloads'), enabled });

/** Active clinicians of the practice, for care-team pickers (admins). */
export function useClinicians(enabled = true) {
  return useQuery({
    queryKey: keys.staff.clinicians(),
    queryFn: async () => {
      // Every page: a practice's staff is tens of people, and a picker must never stop short of one of them.
      const members: StaffMember[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get('/staff', { query: { limit: '100', cursor } });
        members.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return members.filter((m) => m.status !== 'deactivated' && m.roles.includes('clinician'));
    },
    enabled,
  });
}

/** A change to the caseload touches lists of clients, couples and the board: the mutation settles once those on screen have refreshed. */
const useCaseloadMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('caseload', fn, { wait: true });

export const useCreateClient = () => useCaseloadMutation((body: CreateClientRequest) => api.post('/clients', { body }));
export const useUpdateClient = (id: string) => useCaseloadMutation((body: UpdateClientRequest) => api.patch('/clients/{id}', { path: { id }, body }));
export const useSetClientStatus = (id: string) =>
  useCaseloadMutation((status: 'discharge' | 'reactivate') => status === 'discharge' ? api.post('/clients/{id}/discharge', { path: { id } }) : api.post('/clients/{id}/reactivate', { path: { id } }));
export const useSetClientCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => api.put('/clients/{id}/care-team', { path: { id }, body }));
export const useCreateCouple = () => useCaseloadMutation((body: CreateCoupleRequest) => api.post('/couples', { body }));
export const useSetCoupleCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => api.put('/couples/{id}/care-team', { path: { id }, body }));
export const useAddMember = (id: string) => useCaseloadMutation((clientId: string) => api.post('/couples/{id}/members', { path: { id }, body: { clientId } }));
export const useRemoveMember = (id: string) => useCaseloadMutation((clientId: string) => api.delete('/couples/{id}/members/{clientId}', { path: { id, clientId } }));
export const useSetSafety = (id: string) =>
  useCaseloadMutation((body: { status: ConjointSafety; note: string | null; version: number }) => api.put('/couples/{id}/safety', { path: { id }, body }));
