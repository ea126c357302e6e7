import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { Page, RecoveryCodesResponse, StaffSessionInfo, TwoFactorEnrolment, TwoFactorStatus } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export const useTwoFactorStatus = () => useQuery({ queryKey: keys.account.twoFactor(), queryFn: () => api.get<TwoFactorStatus>('/account/two-factor') });

const useTwoFactorMutation = <TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) => useChange('twoFactor', fn, { wait: true });

export const useStartEnrolment = () => useMutation({ mutationFn: () => api.post<TwoFactorEnrolment>('/account/two-factor/enrolment') });
export const useConfirmEnrolment = () =>
  useTwoFactorMutation((code: string) => api.post<RecoveryCodesResponse>('/account/two-factor/enrolment/confirm', { code }));
export const useNewRecoveryCodes = () =>
  useTwoFactorMutation((code: string) => api.post<RecoveryCodesResponse>('/account/two-factor/recovery-codes', { code }));
export const useDisableTwoFactor = () => useTwoFactorMutation((code: string) => api.post<void>('/account/two-factor/disable', { code }));

export function useOwnSessions() {
  return useInfiniteQuery({
    queryKey: keys.account.sessions(),
    queryFn: ({ pageParam }) => api.get<Page<StaffSessionInfo>>(`/account/sessions${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useEndSession = () => useChange('sessions', (id: string) => api.delete<void>(`/account/sessions/${id}`), { wait: true });
