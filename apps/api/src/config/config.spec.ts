import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults for a new user', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir.endsWith('.tandem')).toBe(true);
    expect(config.session).toEqual({ idleMinutes: 30, absoluteHours: 12 });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/tandem'],
    ['TANDEM_SESSION_IDLE_MINUTES', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['TANDEM_TRUST_PROXY', 'maybe'],
    ['TANDEM_SMTP_URL', 'http://mail.example.org'],
    ['TANDEM_MAIL_FROM', 'not an address'],
    ['TANDEM_MAIL_MAX_ATTEMPTS', '0'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('asks for a from-address when an SMTP server is configured', () => {
    expect(() => loadConfig({ TANDEM_SMTP_URL: 'smtp://mail.example.org:587' })).toThrow(/TANDEM_MAIL_FROM:/);
    const mail = loadConfig({ TANDEM_SMTP_URL: 'smtp://mail.example.org:587', TANDEM_MAIL_FROM: 'Riverside <care@example.org>' }).mail;
    expect(mail).toMatchObject({ smtpUrl: 'smtp://mail.example.org:587', from: 'Riverside <care@example.org>', maxAttempts: 8 });
    expect(loadConfig({}).mail.smtpUrl).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });
});

describe('backup configuration', () => {
  const key = () => Buffer.alloc(32, Math.floor(Math.random() * 256)).toString('base64');

  it('backs up daily at 03:30 into ./.tandem-backups, with a key file beside the data key by default', () => {
    const { backup } = loadConfig({});
    expect(backup.schedule).toBe('daily');
    expect(backup.at).toBe('03:30');
    expect(backup.dir.endsWith('.tandem-backups')).toBe(true);
    expect(backup.keyFile?.endsWith('.tandem/keys/backup-key')).toBe(true);
    expect(backup.createKeyFile).toBe(true);
  });

  it.each([
    ['TANDEM_BACKUP_AT', '3am'],
    ['TANDEM_BACKUP_AT', '24:00'],
    ['TANDEM_BACKUP_SCHEDULE', 'hourly'],
    ['TANDEM_BACKUP_TIMEZONE', 'Mars/Olympus'],
    ['TANDEM_BACKUP_KEY', 'short'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('refuses a backup key that is the data key, and a key file inside the backup folder', () => {
    const same = key();
    expect(() => loadConfig({ TANDEM_DATA_KEY: same, TANDEM_BACKUP_KEY: same })).toThrow(/TANDEM_BACKUP_KEY: must not be a data key/);
    expect(() => loadConfig({ TANDEM_BACKUP_DIR: '/srv/backups', TANDEM_BACKUP_KEY_FILE: '/srv/backups/key' })).toThrow(
      /TANDEM_BACKUP_KEY_FILE: must not be inside TANDEM_BACKUP_DIR/,
    );
  });

  it('needs the backup key set explicitly with DATABASE_URL', () => {
    const { backup } = loadConfig({ DATABASE_URL: 'postgresql://localhost/tandem' });
    expect(backup.keyFile).toBeUndefined();
    expect(backup.createKeyFile).toBe(false);
  });
});
