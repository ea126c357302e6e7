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
