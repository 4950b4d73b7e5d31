import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db:5432/app',
  REDIS_URL: 'redis://queue:6379',
  EVENT_WEBHOOK_SECRETS: 'whsec_b2xkLXNlY3JldC1vbmUtMTIzNDU2,whsec_bmV3LXNlY3JldC10d28tNjU0MzIx',
  PUBLIC_URL: 'https://comms.example.com/',
  TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
  TWILIO_AUTH_TOKEN: 'a-real-auth-token',
  TWILIO_SENDERS: 'PL:+48500100200, FI:Perinta',
  SENDER_NAME: 'Perintä Oy',
  SENDER_PHONE: '+358 9 123 456',
  SENDER_EMAIL: 'asiakaspalvelu@perinta.example',
  SENDER_WEB: 'https://perinta.example',
  SENDER_ADDRESS: 'PL 12|00100|Helsinki|FI',
  LINK_SIGNING_SECRET: 'a-long-production-link-signing-secret',
};

describe('configuration', () => {
  it('reads a production environment into typed settings', () => {
    const config = loadConfig(production);
    expect(config).toMatchObject({
      env: 'production',
      role: 'all',
      port: 3000,
      publicUrl: 'https://comms.example.com',
      eventWebhookSecrets: ['whsec_b2xkLXNlY3JldC1vbmUtMTIzNDU2', 'whsec_bmV3LXNlY3JldC10d28tNjU0MzIx'],
      twilio: { apiUrl: 'https://api.twilio.com', sendersByCountry: { PL: '+48500100200', FI: 'Perinta' } },
      sender: { name: 'Perintä Oy', address: { lines: ['PL 12'], postalCode: '00100', city: 'Helsinki', country: 'FI' } },
    });
    expect(config.bootstrapApiKey).toBeUndefined();
  });

  it('has no local defaults in production: it names every missing variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      new ConfigError('missing required environment: DATABASE_URL, REDIS_URL, EVENT_WEBHOOK_SECRETS, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SENDER_NAME, SENDER_PHONE, SENDER_EMAIL, SENDER_WEB, LINK_SIGNING_SECRET, PUBLIC_URL'),
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ ...production, EVENT_WEBHOOK_SECRETS: 'not-a-secret' })).toThrow(/EVENT_WEBHOOK_SECRETS/);
    expect(() => loadConfig({ ...production, ROLE: 'everything' })).toThrow(/ROLE/);
    expect(() => loadConfig({ ...production, PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => loadConfig({ ...production, TWILIO_SENDERS: 'PL' })).toThrow(/TWILIO_SENDERS entry "PL"/);
  });

  it('needs a messaging service or senders per country', () => {
    const { TWILIO_SENDERS: _drop, ...rest } = production;
    expect(() => loadConfig(rest)).toThrow(/TWILIO_MESSAGING_SERVICE_SID or TWILIO_SENDERS/);
  });

  it('runs locally with documented defaults pointing at the Twilio stand-in', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.twilio.apiUrl).toBe('http://127.0.0.1:4010');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
  });
});

describe('channel settings', () => {
  it('in production a channel is on only when configured; locally each uses its stand-in unless turned off', () => {
    const prod = loadConfig(production);
    expect(prod.email).toBeUndefined();
    expect(prod.letters).toBeUndefined();
    expect(prod.twilio.whatsappFrom).toBeUndefined();
    const local = loadConfig({});
    expect(local.email?.smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(local.letters?.sftpUrl).toMatch(/^sftp:\/\/printhouse:printhouse@127\.0\.0\.1:2222\//);
    expect(local.twilio.whatsappFrom).toMatch(/^whatsapp:\+/);
    const off = loadConfig({ SMTP_URL: 'off', SFTP_URL: 'off', TWILIO_WHATSAPP_FROM: 'off' });
    expect([off.email, off.letters, off.twilio.whatsappFrom]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses letters in production without the print house’s host key, and a bad DKIM key', () => {
    expect(() => loadConfig({ ...production, SFTP_URL: 'sftp://u:p@print.example:22/inbox' })).toThrow(/SFTP_HOST_KEY_FINGERPRINT/);
    const withKey = loadConfig({ ...production, SFTP_URL: 'sftp://u:p@print.example:22/inbox', SFTP_HOST_KEY_FINGERPRINT: `SHA256:${'A'.repeat(43)}` });
    expect(withKey.letters).toMatchObject({ cutoff: '15:00', cutoffTimeZone: 'Europe/Amsterdam', sftpHostKeyFingerprint: `SHA256:${'A'.repeat(43)}` });
    expect(() => loadConfig({ ...production, SMTP_URL: 'smtp://mail.example:587', DKIM_PRIVATE_KEY: '/no/such/key.pem' })).toThrow(/DKIM_PRIVATE_KEY/);
  });
});
