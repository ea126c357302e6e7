export const STAFF_ROLES = ['admin', 'clinician'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
