import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from './repo-root.js';

export interface AppConfig {
  port: number;
  host: string;
  /** External PostgreSQL; undefined means the embedded server in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  dashboardDir: string;
  publicBaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  session: { idleMinutes: number; absoluteHours: number };
  login: { maxAttempts: number; windowSeconds: number };
  inviteHours: number;
  /**
   * Portal links: days until a link expires; hours a portal session lasts (never past its link); unknown links per
   * address per window before the address counts as guessing; look-ups per address per minute, before and after.
   */
  portal: {
    linkDays: number;
    sessionHours: number;
    maxFailedLookups: number;
    lookupWindowSeconds: number;
    lookupsPerMinute: number;
    lookupsPerMinuteWhileGuessing: number;
  };
  bodyLimitBytes: number;
  /** A request (headers and body) must arrive within this; slower clients get 408 and are disconnected. */
  requestTimeoutSeconds: number;
  trustProxy: boolean;
  seedDemo: boolean;
  dbPoolSize: number;
  /** Base64 data keys, current first (TANDEM_DATA_KEY). */
  dataKeys?: string;
  /** File holding the data keys; with the embedded database it defaults to <data dir>/keys/data-key.json. */
  dataKeyFile?: string;
  /** Generate the key file on first start (embedded database only). */
  createDataKeyFile: boolean;
  /** Backups: see backups/ and the README. */
  backup: BackupConfig;
  /** Outgoing email. Without an SMTP URL nothing is sent (messages wait in the queue); `npm start` then runs a local mail catcher. */
  mail: MailConfig;
}

export interface BackupConfig {
  /** Where `npm run backup` and the schedule write backup files. */
  dir: string;
  /** Base64 backup keys, current first (TANDEM_BACKUP_KEY). */
  keys?: string;
  /** File of backup keys, one per line, current first; with the embedded database it defaults to <data dir>/keys/backup-key. */
  keyFile?: string;
  /** Create the key file on first backup (embedded database only). */
  createKeyFile: boolean;
  /** Daily scheduled backups while Tandem runs, or none. */
  schedule: 'daily' | 'off';
  /** Local time of the daily backup, HH:MM. */
  at: string;
  /** IANA time zone of `at`; undefined means the practice's own. */
  timeZone?: string;
}

export interface MailConfig {
  smtpUrl?: string;
  from: string;
  /** Tries per message before it is marked failed; the wait doubles from retrySeconds, up to an hour. */
  maxAttempts: number;
  retrySeconds: number;
  /** Run MailDev when no SMTP URL is set (`npm start` only). */
  catcher: boolean;
  catcherWebPort: number;
  catcherSmtpPort: number;
  /** How long a password-reset link works. */
  resetMinutes: number;
  /** How often each process looks for reminders and digests that are due (every process may; dedupe keys make one message). */
  reminderCheckSeconds: number;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  TANDEM_DATA_DIR: z.string().min(1).default('./.tandem'),
  TANDEM_DASHBOARD_DIR: z.string().min(1).optional(),
  TANDEM_PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TANDEM_SESSION_IDLE_MINUTES: positiveInt(30),
  TANDEM_SESSION_ABSOLUTE_HOURS: positiveInt(12),
  TANDEM_LOGIN_MAX_ATTEMPTS: positiveInt(10),
  TANDEM_LOGIN_WINDOW_SECONDS: positiveInt(300),
  TANDEM_INVITE_HOURS: positiveInt(72),
  TANDEM_PORTAL_LINK_DAYS: positiveInt(30),
  TANDEM_PORTAL_SESSION_HOURS: positiveInt(24),
  TANDEM_PORTAL_MAX_FAILED_LOOKUPS: positiveInt(20),
  TANDEM_PORTAL_LOOKUP_WINDOW_SECONDS: positiveInt(600),
  TANDEM_PORTAL_LOOKUPS_PER_MINUTE: positiveInt(120),
  TANDEM_PORTAL_GUESSING_LOOKUPS_PER_MINUTE: positiveInt(10),
  TANDEM_BODY_LIMIT_BYTES: positiveInt(1_048_576),
  TANDEM_REQUEST_TIMEOUT_SECONDS: positiveInt(30),
  TANDEM_TRUST_PROXY: bool.default(false),
  TANDEM_SEED_DEMO: bool.default(true),
  TANDEM_DB_POOL_SIZE: positiveInt(20),
  TANDEM_DATA_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9+/=]{43,44})*$/, 'must be base64 of 32 random bytes (several separated by commas, current first)')
    .optional(),
  TANDEM_DATA_KEY_FILE: z.string().min(1).optional(),
  TANDEM_BACKUP_DIR: z.string().min(1).default('./.tandem-backups'),
  TANDEM_BACKUP_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9+/=]{43,44})*$/, 'must be base64 of 32 random bytes (several separated by commas, current first)')
    .optional(),
  TANDEM_BACKUP_KEY_FILE: z.string().min(1).optional(),
  TANDEM_BACKUP_SCHEDULE: z.enum(['daily', 'off']).default('daily'),
  TANDEM_BACKUP_AT: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day as HH:MM (24-hour), e.g. 03:30')
    .default('03:30'),
  TANDEM_BACKUP_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin or America/Chicago')
    .optional(),
  TANDEM_SMTP_URL: z
    .url()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  TANDEM_MAIL_FROM: z
    .string()
    .regex(/^([^<>@\r\n]{1,100} <[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an address (tandem@example.org) or a name and address (Tandem <tandem@example.org>)')
    .optional(),
  TANDEM_MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  TANDEM_MAIL_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  TANDEM_MAIL_CATCHER: bool.default(true),
  TANDEM_MAIL_CATCHER_PORT: z.coerce.number().int().min(1).max(65535).default(1080),
  TANDEM_MAIL_CATCHER_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(1025),
  TANDEM_RESET_MINUTES: z.coerce.number().int().min(5).max(240).default(30),
  TANDEM_REMINDER_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
}).refine((e) => !e.TANDEM_SMTP_URL || e.TANDEM_MAIL_FROM, {
  path: ['TANDEM_MAIL_FROM'],
  message: 'is required when TANDEM_SMTP_URL is set (the address Tandem sends from)',
});

/** A path inside (or equal to) a folder. */
const isInside = (file: string, dir: string) => {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

export class ConfigError extends Error {}

/** Reads and validates the environment once; the only place that reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const root = repoRoot();
  const backupDir = path.resolve(e.TANDEM_BACKUP_DIR);
  const backupKeyFile = e.TANDEM_BACKUP_KEY_FILE
    ? path.resolve(e.TANDEM_BACKUP_KEY_FILE)
    : e.DATABASE_URL || e.TANDEM_BACKUP_KEY
      ? undefined
      : path.join(path.resolve(e.TANDEM_DATA_DIR), 'keys', 'backup-key');
  const dataKeys = new Set((e.TANDEM_DATA_KEY ?? '').split(',').filter(Boolean));
  if (e.TANDEM_BACKUP_KEY?.split(',').some((k) => dataKeys.has(k))) {
    throw new ConfigError('Invalid configuration:\n  TANDEM_BACKUP_KEY: must not be a data key (TANDEM_DATA_KEY); give backups a key of their own');
  }
  if (backupKeyFile && isInside(backupKeyFile, backupDir)) {
    throw new ConfigError(
      'Invalid configuration:\n  TANDEM_BACKUP_KEY_FILE: must not be inside TANDEM_BACKUP_DIR (a backup key kept beside the backups protects nothing)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.TANDEM_DATA_DIR),
    dashboardDir: path.resolve(e.TANDEM_DASHBOARD_DIR ?? path.join(root, 'apps/dashboard/dist')),
    publicBaseUrl: e.TANDEM_PUBLIC_URL?.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    session: { idleMinutes: e.TANDEM_SESSION_IDLE_MINUTES, absoluteHours: e.TANDEM_SESSION_ABSOLUTE_HOURS },
    login: { maxAttempts: e.TANDEM_LOGIN_MAX_ATTEMPTS, windowSeconds: e.TANDEM_LOGIN_WINDOW_SECONDS },
    inviteHours: e.TANDEM_INVITE_HOURS,
    portal: {
      linkDays: e.TANDEM_PORTAL_LINK_DAYS,
      sessionHours: e.TANDEM_PORTAL_SESSION_HOURS,
      maxFailedLookups: e.TANDEM_PORTAL_MAX_FAILED_LOOKUPS,
      lookupWindowSeconds: e.TANDEM_PORTAL_LOOKUP_WINDOW_SECONDS,
      lookupsPerMinute: e.TANDEM_PORTAL_LOOKUPS_PER_MINUTE,
      lookupsPerMinuteWhileGuessing: e.TANDEM_PORTAL_GUESSING_LOOKUPS_PER_MINUTE,
    },
    bodyLimitBytes: e.TANDEM_BODY_LIMIT_BYTES,
    requestTimeoutSeconds: e.TANDEM_REQUEST_TIMEOUT_SECONDS,
    trustProxy: e.TANDEM_TRUST_PROXY,
    seedDemo: e.TANDEM_SEED_DEMO,
    dbPoolSize: e.TANDEM_DB_POOL_SIZE,
    dataKeys: e.TANDEM_DATA_KEY,
    dataKeyFile: e.TANDEM_DATA_KEY_FILE
      ? path.resolve(e.TANDEM_DATA_KEY_FILE)
      : e.DATABASE_URL
        ? undefined
        : path.join(path.resolve(e.TANDEM_DATA_DIR), 'keys', 'data-key.json'),
    createDataKeyFile: !e.DATABASE_URL && !e.TANDEM_DATA_KEY_FILE,
    backup: {
      dir: backupDir,
      keys: e.TANDEM_BACKUP_KEY,
      keyFile: backupKeyFile,
      createKeyFile: !e.DATABASE_URL && !e.TANDEM_BACKUP_KEY_FILE && !e.TANDEM_BACKUP_KEY,
      schedule: e.TANDEM_BACKUP_SCHEDULE,
      at: e.TANDEM_BACKUP_AT,
      timeZone: e.TANDEM_BACKUP_TIMEZONE,
    },
    mail: {
      smtpUrl: e.TANDEM_SMTP_URL,
      from: e.TANDEM_MAIL_FROM ?? 'Tandem <tandem@localhost>',
      maxAttempts: e.TANDEM_MAIL_MAX_ATTEMPTS,
      retrySeconds: e.TANDEM_MAIL_RETRY_SECONDS,
      catcher: e.TANDEM_MAIL_CATCHER,
      catcherWebPort: e.TANDEM_MAIL_CATCHER_PORT,
      catcherSmtpPort: e.TANDEM_MAIL_CATCHER_SMTP_PORT,
      resetMinutes: e.TANDEM_RESET_MINUTES,
      reminderCheckSeconds: e.TANDEM_REMINDER_CHECK_SECONDS,
    },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
