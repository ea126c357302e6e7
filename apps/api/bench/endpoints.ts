import crypto from 'node:crypto';
import type { LoadSpec } from './load.js';
import type { BenchActors } from './prepare.js';

export interface Endpoint {
  name: string;
  label: string;
  spec: LoadSpec;
}

const staff = (token: string) => ({ cookie: `tandem_session=${token}` });
const portal = (token: string) => ({ cookie: `tandem_portal=${token}` });

/** The hot paths: what clinicians, admins and clients open most. */
export function readEndpoints(a: BenchActors): Endpoint[] {
  const get = (path: string, headers: Record<string, string>): LoadSpec => ({ method: 'GET', path, headers });
  return [
    { name: 'caseload', label: 'Clinician caseload page', spec: get('/api/clients', staff(a.clinicianToken)) },
    { name: 'timeline', label: 'Client homework timeline', spec: get(`/api/assignments?clientId=${a.clientId}`, staff(a.clinicianToken)) },
    { name: 'trends', label: 'Trend data for a client', spec: get(`/api/assignments/trends?clientId=${a.clientId}`, staff(a.clinicianToken)) },
    { name: 'portal-home', label: 'Portal home', spec: get('/api/portal/home', portal(a.portalToken)) },
    { name: 'caseload-board', label: 'Admin caseload board', spec: get('/api/caseloads', staff(a.adminToken)) },
    { name: 'audit', label: 'Audit page, filtered by client', spec: get(`/api/audit?subjectId=${a.clientId}`, staff(a.adminToken)) },
    { name: 'notes', label: 'Notes list', spec: get(`/api/notes?clientId=${a.clientId}`, staff(a.clinicianToken)) },
    { name: 'attention', label: 'Clinician attention queue', spec: get('/api/attention', staff(a.clinicianToken)) },
    { name: 'attention-count', label: 'Attention count (navigation)', spec: get('/api/attention/count', staff(a.clinicianToken)) },
    { name: 'measures', label: 'Measures chart for a client', spec: get(`/api/measures/summary?clientId=${a.measures.clientId}`, staff(a.measures.clinicianToken)) },
  ];
}

/** Portal submit: every request answers a different open assignment, starting at target `first`. */
export function submitEndpoint(a: BenchActors, first: number): Endpoint {
  return {
    name: 'submit',
    label: 'Portal submit',
    spec: {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json' },
      vary: (n) => {
        const t = a.submit.targets[first + n];
        if (!t) throw new Error('the submit benchmark ran out of prepared assignments');
        return { path: `/api/portal/assignments/${t.assignmentId}/occurrences/1/submit`, headers: portal(t.token), body: submitBody(a, crypto.randomUUID()) };
      },
    },
  };
}

export function submitBody(a: BenchActors, submissionId: string): string {
  return JSON.stringify({ submissionId, answers: a.submit.answers });
}
