import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssignMeasureRequest, AssignmentDetail, LatestMeasures, MeasureCoverage, MeasureSummary } from '@tandem/shared';
import { api, queryString } from '../../api/client';
import { keys } from '../../api/query-keys';

export type MeasureSubject = { clientId: string } | { coupleId: string };

export const useMeasureSummary = (subject: MeasureSubject) =>
  useQuery({ queryKey: keys.measures.summary(subject), queryFn: () => api.get<MeasureSummary>(`/measures/summary${queryString(subject)}`) });

/** Latest scores of the people shown on a caseload page (the API takes up to 100 ids at a time). */
export function useLatestMeasures(clientIds: string[], enabled = true) {
  const ids = [...new Set(clientIds)].sort().slice(0, 100);
  return useQuery({
    queryKey: keys.measures.latest(ids),
    queryFn: () => api.get<LatestMeasures>(`/measures/latest${queryString({ clientIds: ids.join(',') })}`),
    enabled: enabled && ids.length > 0,
  });
}

export const useMeasureCoverage = (enabled = true) =>
  useQuery({ queryKey: keys.measures.coverage(), queryFn: () => api.get<MeasureCoverage>('/measures/coverage'), enabled });

/** Assigning a measure is assigning homework: both lists refresh. */
export function useAssignMeasure() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AssignMeasureRequest) => api.post<AssignmentDetail>('/measures/assignments', body),
    onSuccess: (assignment) => {
      queryClient.setQueryData(keys.homework.detail(assignment.id), assignment);
      void queryClient.invalidateQueries({ queryKey: ['homework', 'list'] });
      void queryClient.invalidateQueries({ queryKey: keys.measures.all() });
      void queryClient.invalidateQueries({ queryKey: keys.attention.all() });
    },
  });
}
