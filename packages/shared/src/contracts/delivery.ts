/** Email deliveries as the dashboard sees them: never an address, never a message's content. */
export const DELIVERY_MESSAGE_KINDS = [
  'staff_invite',
  'password_reset',
  'portal_link',
  'homework_assigned',
  'homework_due',
  'homework_overdue',
  'clinician_digest',
  'safety_alert',
] as const;
export type DeliveryMessageKind = (typeof DELIVERY_MESSAGE_KINDS)[number];

export interface FailedDelivery {
  id: string;
  kind: DeliveryMessageKind;
  status: 'failed' | 'opted_out';
  /** A short code: an SMTP reply (`smtp_550`), a network error (`ECONNREFUSED`), `no_address`, `opted_out`. */
  errorCode: string | null;
  attempts: number;
  endedAt: string;
  recipient: { kind: 'staff' | 'client'; id: string; name: string };
  /** The client or couple page to open. */
  clientId: string | null;
  coupleId: string | null;
}

/** Answer to "Send link": who it went to, never the link. */
export interface SentLinks {
  queued: Array<{ clientId: string; name: string }>;
}

export interface ReminderSettings {
  enabled: boolean;
  /** Local hour (practice time zone) for reminders, 8 to 20: quiet hours are 21:00 to 08:00. */
  hour: number;
  /** Set when the client stopped Tandem's emails from a message. */
  emailOptedOutAt: string | null;
}

export interface DigestSetting {
  enabled: boolean;
}

export const REMINDER_HOUR_MIN = 8;
export const REMINDER_HOUR_MAX = 20;

/** The answer to a one-click unsubscribe: whose email stopped. */
export interface Unsubscribed {
  practiceName: string;
}
