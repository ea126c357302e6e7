/**
 * Every query key the dashboard uses, from one factory. Lists live under
 * their feature's root key, so a change invalidates exactly the lists it affects.
 */
export const keys = {
  me: () => ['me'] as const,
  staff: {
    all: () => ['staff'] as const,
    list: (q: string) => ['staff', 'list', q] as const,
    clinicians: () => ['staff', 'clinicians'] as const,
  },
  clients: {
    all: () => ['clients'] as const,
    list: (filters: Record<string, string>) => ['clients', 'list', filters] as const,
    detail: (id: string) => ['clients', 'detail', id] as const,
  },
  couples: {
    all: () => ['couples'] as const,
    list: (filters: Record<string, string>) => ['couples', 'list', filters] as const,
    detail: (id: string) => ['couples', 'detail', id] as const,
  },
  caseloads: () => ['caseloads'] as const,
  library: {
    all: () => ['library'] as const,
    list: (filters: Record<string, string>) => ['library', 'list', filters] as const,
    detail: (id: string, version?: number) => ['library', 'detail', id, version ?? 'current'] as const,
  },
  notes: {
    lists: () => ['notes', 'list'] as const,
    list: (subject: object) => ['notes', 'list', subject] as const,
    detail: (id: string) => ['notes', 'detail', id] as const,
  },
  homework: {
    all: () => ['homework'] as const,
    list: (subject: object) => ['homework', 'list', subject] as const,
    detail: (id: string) => ['homework', 'detail', id] as const,
    trends: (subject: object) => ['homework', 'trends', subject] as const,
    toBring: (subject: object) => ['homework', 'to-bring', subject] as const,
  },
  portalLinks: () => ['portal-link'] as const,

  measures: {
    all: () => ['measures'] as const,
    summary: (subject: object) => ['measures', 'summary', subject] as const,
    latest: (clientIds: string[]) => ['measures', 'latest', clientIds] as const,
    coverage: () => ['measures', 'coverage'] as const,
  },
  portalLink: (clientId: string) => ['portal-link', clientId] as const,
  reminders: (clientId: string) => ['reminders', clientId] as const,
  digestSetting: () => ['digest-setting'] as const,
  invite: (token: string) => ['invite', token] as const,
  backups: () => ['backups'] as const,
  alerts: {
    all: () => ['alerts'] as const,
    list: (subject: object) => ['alerts', 'list', subject] as const,
    counts: () => ['alerts', 'counts'] as const,
  },
  crisisResources: () => ['crisis-resources'] as const,
  deliveries: {
    failed: () => ['deliveries', 'failed'] as const,
  },
  attention: {
    all: () => ['attention'] as const,
    list: () => ['attention', 'list'] as const,
    count: () => ['attention', 'count'] as const,
  },
  audit: {
    all: () => ['audit'] as const,
    list: (filters: Record<string, string>) => ['audit', 'list', filters] as const,
  },
  account: {
    twoFactor: () => ['account', 'two-factor'] as const,
    sessions: () => ['account', 'sessions'] as const,
  },
  security: {
    all: () => ['security'] as const,
    practice: () => ['security', 'practice'] as const,
    colleagueSessions: (staffId: string) => ['security', 'sessions', staffId] as const,
  },
  emergency: {
    all: () => ['emergency'] as const,
    mine: () => ['emergency', 'mine'] as const,
    candidates: (q: string) => ['emergency', 'candidates', q] as const,
    record: (id: string) => ['emergency', 'record', id] as const,
    notes: (id: string) => ['emergency', 'notes', id] as const,
    notices: () => ['emergency', 'notices'] as const,
  },
};
