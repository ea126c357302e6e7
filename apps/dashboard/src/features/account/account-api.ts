import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Page, RecoveryCodesResponse, StaffSessionInfo, TwoFactorEnrolment, TwoFactorStatus } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export const useTwoFactorStatus = () => useQuery({ queryKey: keys.account.twoFactor(), queryFn: () => legacyApi.get<TwoFactorStatus>('/account/two-factor') });

function useTwoFactorMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.account.twoFactor() }) });
}

export const useStartEnrolment = () => useMutation({ mutationFn: () => legacyApi.post<TwoFactorEnrolment>('/account/two-factor/enrolment') });
export const useConfirmEnrolment = () =>
  useTwoFactorMutation((code: string) => legacyApi.post<RecoveryCodesResponse>('/account/two-factor/enrolment/confirm', { code }));
export const useNewRecoveryCodes = () =>
  useTwoFactorMutation((code: string) => legacyApi.post<RecoveryCodesResponse>('/account/two-factor/recovery-codes', { code }));
export const useDisableTwoFactor = () => useTwoFactorMutation((code: string) => legacyApi.post<void>('/account/two-factor/disable', { code }));

export function useOwnSessions() {
  return useInfiniteQuery({
    queryKey: keys.account.sessions(),
    queryFn: ({ pageParam }) => legacyApi.get<Page<StaffSessionInfo>>(`/account/sessions${queryString({ cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => legacyApi.delete<void>(`/account/sessions/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.account.sessions() }),
  });
}
