import { ConfigError } from '@dicom-router/config';
import { loadFilerOptions, loadFilerSettings } from './filer-settings';

const base = { NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', DATA_DIR: '/tmp/async-filer-settings' };

function problems(env: Record<string, string>): string[] {
  try {
    loadFilerSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
    throw error;
  }
  return [];
}

describe('loadFilerSettings', () => {
  it('takes the defaults and the tuning variables', () => {
    const settings = loadFilerSettings({ ...base, ASYNC_FILER_LEASE_SECONDS: '5', ASYNC_FILER_CONCURRENCY: '2' });
    expect(settings).toMatchObject({ consumerName: 'async-filer', leaseMs: 5000, sessionIdleMs: 900_000, pollMs: 1000, concurrency: 2 });
    expect(settings.alertEmail).toBeUndefined();
  });

  it('reports every bad value at once, never echoing the SMTP URL', () => {
    expect(
      problems({
        DATA_DIR: base.DATA_DIR,
        ASYNC_FILER_LEASE_SECONDS: '1',
        ASYNC_FILER_CONSUMER: 'a b',
        ALERT_WEBHOOK_URL: 'ftp://x',
        SMTP_URL: 'http://user:secret@mail',
        ALERT_EMAIL_FROM: 'nobody',
      }),
    ).toEqual([
      'NATS_URL: required: async-filer consumes the stored and association events from NATS JetStream',
      'DATABASE_URL: required: the queue of every replica lives in one PostgreSQL database',
      "ASYNC_FILER_CONSUMER: 1-64 letters, digits, '-' or '_' (got \"a b\")",
      'ASYNC_FILER_LEASE_SECONDS: must be an integer from 3 to 3600 (got "1")',
      'ALERT_WEBHOOK_URL: must be an http(s) URL',
      'SMTP_URL=(value hidden): must be smtp://[user:password@]host:port or smtps://…',
      'ALERT_EMAIL_FROM: an e-mail address is required with SMTP_URL (got "nobody")',
      'ALERT_EMAIL_TO: one or more e-mail addresses, comma-separated, are required with SMTP_URL',
    ]);
  });

  it('sends alerts by e-mail when SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO are set', () => {
    const settings = loadFilerSettings({ ...base, SMTP_URL: 'smtp://mail:25', ALERT_EMAIL_FROM: 'router@example.org', ALERT_EMAIL_TO: 'a@example.org, b@example.org' });
    expect(settings.alertEmail).toEqual({ smtpUrl: 'smtp://mail:25', from: 'router@example.org', to: ['a@example.org', 'b@example.org'] });
  });
});

describe('loadFilerOptions (the filer hosted in the all-in-one process)', () => {
  it('reads the same tuning and alert variables, without NATS_URL or DATABASE_URL', () => {
    const env = { DATA_DIR: base.DATA_DIR, ASYNC_FILER_SESSION_IDLE_SECONDS: '30', ASYNC_FILER_POLL_MS: '200', ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts' };
    const options = loadFilerOptions(env);
    expect(options).toMatchObject({ sessionIdleMs: 30_000, pollMs: 200, alertWebhookUrl: 'http://127.0.0.1:9/alerts', leaseMs: 30_000 });
    // The standalone loader reads the very same values.
    const { production, ...standalone } = loadFilerSettings({ ...env, NATS_URL: base.NATS_URL, DATABASE_URL: base.DATABASE_URL });
    const { production: hostedProduction, ...hosted } = options;
    expect(standalone).toMatchObject(hosted);
    expect(hostedProduction).toEqual(production);
  });

  it('reports bad values the same way', () => {
    expect(() => loadFilerOptions({ DATA_DIR: base.DATA_DIR, ASYNC_FILER_SESSION_IDLE_SECONDS: '5' })).toThrow(
      'ASYNC_FILER_SESSION_IDLE_SECONDS: must be an integer from 10 to 604800 (got "5")',
    );
  });
});
