import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConjointSafety, CreateClientRequest, CreateCoupleRequest, SetCareTeamRequest, UpdateClientRequest } from '@tandem/shared';
import { api, type ApiQuery } from '../../api/client';
import { keys } from '../../api/query-keys';

export type ClientFilters = Record<string, string>;

export function useClients(filters: ClientFilters) {
  return useInfiniteQuery({
    queryKey: keys.clients.list(filters),
    queryFn: ({ pageParam }) => api.get('/clients', { query: { ...filters, cursor: pageParam } as ApiQuery<'/clients'> }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useCouples(filters: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: keys.couples.list(filters),
    queryFn: ({ pageParam }) => api.get('/couples', { query: { ...filters, cursor: pageParam } as ApiQuery<'/couples'> }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useClient = (id: string) => useQuery({ queryKey: keys.clients.detail(id), queryFn: () => api.get('/clients/{id}', { path: { id } }) });
export const useCouple = (id: string) => useQuery({ queryKey: keys.couples.detail(id), queryFn: () => api.get('/couples/{id}', { path: { id } }) });
export const useCaseloadBoard = (enabled = true) => useQuery({ queryKey: keys.caseloads(), queryFn: () => api.get('/caseloads'), enabled });

/** Active clinicians of the practice, for care-team pickers (admins). */
export function useClinicians(enabled = true) {
  return useQuery({
    queryKey: [...keys.staff.all(), 'clinicians'],
    queryFn: async () => {
      const page = await api.get('/staff', { query: { limit: '100' } });
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
