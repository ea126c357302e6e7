import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SetCrisisResourcesRequest } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export type AlertSubject = { clientId: string } | { coupleId: string } | Record<string, never>;

export const useOpenAlerts = (subject: AlertSubject = {}) =>
  useQuery({ queryKey: keys.alerts.list(subject), queryFn: () => api.get('/alerts', { query: { ...subject, limit: '50' } }) });

export const useAlertCounts = () => useQuery({ queryKey: keys.alerts.counts(), queryFn: () => api.get('/alerts/counts') });

export const useAcknowledgeAlert = () =>
  useChange('alerts', ({ id, note }: { id: string; note: string }) => api.post('/alerts/{id}/acknowledge', { path: { id }, body: { note } }), { wait: true });

export const useCrisisResources = () => useQuery({ queryKey: keys.crisisResources(), queryFn: () => api.get('/practice/crisis-resources') });

export function useSetCrisisResources() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetCrisisResourcesRequest) => api.put('/practice/crisis-resources', { body }),
    onSuccess: (saved) => queryClient.setQueryData(keys.crisisResources(), saved),
  });
}
