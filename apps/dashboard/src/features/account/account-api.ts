import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';

export const useTwoFactorStatus = () => useQuery({ queryKey: keys.account.twoFactor(), queryFn: () => api.get('/account/two-factor') });

function useTwoFactorMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.account.twoFactor() }) });
}

export const useStartEnrolment = () => useMutation({ mutationFn: () => api.post('/account/two-factor/enrolment') });
export const useConfirmEnrolment = () =>
  useTwoFactorMutation((code: string) => api.post('/account/two-factor/enrolment/confirm', { body: { code } }));
export const useNewRecoveryCodes = () =>
  useTwoFactorMutation((code: string) => api.post('/account/two-factor/recovery-codes', { body: { code } }));
export const useDisableTwoFactor = () => useTwoFactorMutation((code: string) => api.post('/account/two-factor/disable', { body: { code } }));

export function useOwnSessions() {
  return useInfiniteQuery({
    queryKey: keys.account.sessions(),
    queryFn: ({ pageParam }) => api.get('/account/sessions', { query: { cursor: pageParam ?? undefined } }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete('/account/sessions/{id}', { path: { id } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.account.sessions() }),
  });
}
