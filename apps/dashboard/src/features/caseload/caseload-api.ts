import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type {
  CaseloadBoard,
  ClientDetail,
  ClientSummary,
  ConjointSafety,
  CoupleDetail,
  CoupleSummary,
  CreateClientRequest,
  CreateCoupleRequest,
  Page,
  SetCareTeamRequest,
  StaffMember,
  UpdateClientRequest,
} from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { searchResults, type ComboOption, type SearchResults } from '../../ui/SearchCombobox';
import { useChange } from '../../api/changes';

export type ClientFilters = Record<string, string>;

export function useClients(filters: ClientFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.clients.list(filters),
    queryFn: ({ pageParam }) => api.get<Page<ClientSummary>>(`/clients${queryString({ ...filters, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export function useCouples(filters: Record<string, string>, enabled = true) {
  return useInfiniteQuery({
    queryKey: keys.couples.list(filters),
    queryFn: ({ pageParam }) => api.get<Page<CoupleSummary>>(`/couples${queryString({ ...filters, cursor: pageParam })}`),
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

export const useClient = (id: string) => useQuery({ queryKey: keys.clients.detail(id), queryFn: () => api.get<ClientDetail>(`/clients/${id}`) });
export const useCouple = (id: string) => useQuery({ queryKey: keys.couples.detail(id), queryFn: () => api.get<CoupleDetail>(`/couples/${id}`) });
export const useCaseloadBoard = (enabled = true) => useQuery({ queryKey: keys.caseloads(), queryFn: () => api.get<CaseloadBoard>('/caseloads'), enabled });

/** Active clinicians of the practice, for care-team pickers (admins). */
export function useClinicians(enabled = true) {
  return useQuery({
    queryKey: keys.staff.clinicians(),
    queryFn: async () => {
      // Every page: a practice's staff is tens of people, and a picker must never stop short of one of them.
      const members: StaffMember[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<StaffMember> = await api.get<Page<StaffMember>>(`/staff${queryString({ cursor, limit: '100' })}`);
        members.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return members.filter((m) => m.status !== 'deactivated' && m.roles.includes('clinician'));
    },
    enabled,
  });
}

/** A change to the caseload touches lists of clients, couples and the board: the mutation settles once those on screen have refreshed. */
const useCaseloadMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('caseload', fn, { wait: true });

export const useCreateClient = () => useCaseloadMutation((body: CreateClientRequest) => api.post<ClientDetail>('/clients', body));
export const useUpdateClient = (id: string) => useCaseloadMutation((body: UpdateClientRequest) => api.patch<ClientDetail>(`/clients/${id}`, body));
export const useSetClientStatus = (id: string) =>
  useCaseloadMutation((status: 'discharge' | 'reactivate') => api.post<ClientDetail>(`/clients/${id}/${status}`));
export const useSetClientCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => api.put<ClientDetail>(`/clients/${id}/care-team`, body));
export const useCreateCouple = () => useCaseloadMutation((body: CreateCoupleRequest) => api.post<CoupleDetail>('/couples', body));
export const useSetCoupleCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => api.put<CoupleDetail>(`/couples/${id}/care-team`, body));
export const useAddMember = (id: string) => useCaseloadMutation((clientId: string) => api.post<CoupleDetail>(`/couples/${id}/members`, { clientId }));
export const useRemoveMember = (id: string) => useCaseloadMutation((clientId: string) => api.delete<CoupleDetail>(`/couples/${id}/members/${clientId}`));
export const useSetSafety = (id: string) =>
  useCaseloadMutation((body: { status: ConjointSafety; note: string | null; version: number }) => api.put<CoupleDetail>(`/couples/${id}/safety`, body));
