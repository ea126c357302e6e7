import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export const useTwoFactorStatus = () => useQuery({ queryKey: keys.account.twoFactor(), queryFn: () => api.get('/account/two-factor') });

const useTwoFactorMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('twoFactor', fn, { wait: true });

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

export const useEndSession = () => useChange('sessions', (id: string) => api.delete('/account/sessions/{id}', { path: { id } }), { wait: true });
