import { useQuery } from '@tanstack/react-query';
import type { AssignMeasureRequest } from '@tandem/shared';
import { api } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useChange } from '../../api/changes';

export type MeasureSubject = { clientId: string } | { coupleId: string };

export const useMeasureSummary = (subject: MeasureSubject) =>
  useQuery({ queryKey: keys.measures.summary(subject), queryFn: () => api.get('/measures/summary', { query: subject }) });

/** Latest scores of the people shown on a caseload page (the API takes up to 100 ids at a time). */
export function useLatestMeasures(clientIds: string[], enabled = true) {
  const ids = [...new Set(clientIds)].sort().slice(0, 100);
  return useQuery({
    queryKey: keys.measures.latest(ids),
    queryFn: () => api.get('/measures/latest', { query: { clientIds: ids.join(',') } }),
    enabled: enabled && ids.length > 0,
  });
}

export const useMeasureCoverage = (enabled = true) =>
  useQuery({ queryKey: keys.measures.coverage(), queryFn: () => api.get('/measures/coverage'), enabled });

/** Assigning a measure is assigning homework: both lists refresh. */
export const useAssignMeasure = () =>
  useChange('measure', (body: AssignMeasureRequest) => api.post('/measures/assignments', { body }), {
    store: (queryClient, assignment) => queryClient.setQueryData(keys.homework.detail(assignment.id), assignment),
  });
