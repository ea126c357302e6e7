export type AuditActorKind = 'staff' | 'portal' | 'system' | 'anonymous';

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actor: { kind: AuditActorKind; id: string | null; name: string | null };
  action: string;
  recordType: string | null;
  recordId: string | null;
  subject: { id: string; name: string } | null;
  requestId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  checkedEvents: number;
  problems: Array<{ seq: number; problem: string }>;
}
