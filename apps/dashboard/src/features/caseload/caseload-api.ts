import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export type ClientFilters = Record<string, string>;

export function useClients(filters: ClientFilters) {
  return useInfiniteQuery({
    queryKey: keys.clients.list(filters),
    queryFn: ({ pageParam }) => legacyApi.get<Page<ClientSummary>>(`/clients${queryString({ ...filters, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useCouples(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: keys.couples.list(filters),
    queryFn: ({ pageParam }) => legacyApi.get<Page<CoupleSummary>>(`/couples${queryString({ ...filters, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useClient = (id: string) => useQuery({ queryKey: keys.clients.detail(id), queryFn: () => legacyApi.get<ClientDetail>(`/clients/${id}`) });
export const useCouple = (id: string) => useQuery({ queryKey: keys.couples.detail(id), queryFn: () => legacyApi.get<CoupleDetail>(`/couples/${id}`) });
export const useCaseloadBoard = (enabled = true) => useQuery({ queryKey: keys.caseloads(), queryFn: () => legacyApi.get<CaseloadBoard>('/caseloads'), enabled });

/** Active clinicians of the practice, for care-team pickers (admins). */
export function useClinicians(enabled = true) {
  return useQuery({
    queryKey: [...keys.staff.all(), 'clinicians'],
    queryFn: async () => {
      const page = await legacyApi.get<Page<StaffMember>>('/staff?limit=100');
      return page.items.filter((m) => m.status !== 'deactivated' && m.roles.includes('clinician'));
    },
    enabled,
  });
}

/** A change to the caseload touches lists of clients, couples and the board: refresh those, and the record itself. */
function useCaseloadMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.clients.all() }),
        queryClient.invalidateQueries({ queryKey: keys.couples.all() }),
        queryClient.invalidateQueries({ queryKey: keys.caseloads() }),
        // Discharge cancels open homework.
        queryClient.invalidateQueries({ queryKey: keys.homework.all() }),
      ]);
    },
  });
}

export const useCreateClient = () => useCaseloadMutation((body: CreateClientRequest) => legacyApi.post<ClientDetail>('/clients', body));
export const useUpdateClient = (id: string) => useCaseloadMutation((body: UpdateClientRequest) => legacyApi.patch<ClientDetail>(`/clients/${id}`, body));
export const useSetClientStatus = (id: string) =>
  useCaseloadMutation((status: 'discharge' | 'reactivate') => legacyApi.post<ClientDetail>(`/clients/${id}/${status}`));
export const useSetClientCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => legacyApi.put<ClientDetail>(`/clients/${id}/care-team`, body));
export const useCreateCouple = () => useCaseloadMutation((body: CreateCoupleRequest) => legacyApi.post<CoupleDetail>('/couples', body));
export const useSetCoupleCareTeam = () =>
  useCaseloadMutation(({ id, ...body }: SetCareTeamRequest & { id: string }) => legacyApi.put<CoupleDetail>(`/couples/${id}/care-team`, body));
export const useAddMember = (id: string) => useCaseloadMutation((clientId: string) => legacyApi.post<CoupleDetail>(`/couples/${id}/members`, { clientId }));
export const useRemoveMember = (id: string) => useCaseloadMutation((clientId: string) => legacyApi.delete<CoupleDetail>(`/couples/${id}/members/${clientId}`));
export const useSetSafety = (id: string) =>
  useCaseloadMutation((body: { status: ConjointSafety; note: string | null; version: number }) => legacyApi.put<CoupleDetail>(`/couples/${id}/safety`, body));
