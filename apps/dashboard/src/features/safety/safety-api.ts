import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertCounts, AlertView, CrisisResources, Page, SetCrisisResourcesRequest } from '@tandem/shared';
import { queryString, legacyApi } from '../../api/client';
import { keys } from '../../api/query-keys';

export type AlertSubject = { clientId: string } | { coupleId: string } | Record<string, never>;

export const useOpenAlerts = (subject: AlertSubject = {}) =>
  useQuery({ queryKey: keys.alerts.list(subject), queryFn: () => legacyApi.get<Page<AlertView>>(`/alerts${queryString({ ...subject, limit: '50' })}`) });

export const useAlertCounts = () => useQuery({ queryKey: keys.alerts.counts(), queryFn: () => legacyApi.get<AlertCounts>('/alerts/counts') });

export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, note }: { id: string; note: string }) => legacyApi.post<AlertView>(`/alerts/${id}/acknowledge`, { note }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.alerts.all() }),
  });
}

export const useCrisisResources = () => useQuery({ queryKey: keys.crisisResources(), queryFn: () => legacyApi.get<CrisisResources>('/practice/crisis-resources') });

export function useSetCrisisResources() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetCrisisResourcesRequest) => legacyApi.put<CrisisResources>('/practice/crisis-resources', body),
    onSuccess: (saved) => queryClient.setQueryData(keys.crisisResources(), saved),
  });
}
