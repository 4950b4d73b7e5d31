import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices, type Services } from '../../src/services.ts';
import { migrate } from '../../src/store/migrate.ts';
import { buildApp } from '../../src/app.ts';
import { createAdapters, openTemplateStore, startWorkerRole } from '../../src/runtime.ts';
import type { RunningWorkers } from '../../src/jobs/workers.ts';
import type { Channel } from '../../src/domain/case-event.ts';
import type { ChannelAdapter } from '../../src/channels/channel-adapter.ts';
import { createApiKey } from '../../src/store/api-keys-repo.ts';
import { signWebhook } from '../../src/http/webhook-signature.ts';
import { startTwilioStandin } from '../../scripts/standins/twilio-standin.ts';
import { startSmtpStandin, type SmtpStandin } from '../../scripts/standins/smtp-standin.ts';
import { startSftpStandin } from '../../scripts/standins/sftp-standin.ts';

export const SECRET = 'whsec_dGVzdC1zZWNyZXQtb25lLWZvci10aGUtaGFybmVzcw==';
export const ROTATED_SECRET = 'whsec_dGVzdC1zZWNyZXQtdHdvLWFmdGVyLXJvdGF0aW9u';
export const ACCOUNT_SID = 'AC' + 'ab'.repeat(16);
export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const TEST_CLOCK_START = '2026-11-18T09:00:00Z';

export interface Harness {
  config: Config;
  services: Services;
  app: FastifyInstance;
  /** Every log line the service wrote, for redaction tests. */
  logLines: string[];
  apiKey: string;
  standin: Awaited<ReturnType<typeof startTwilioStandin>>;
  workers: RunningWorkers | null;
  /** The worker role, with the configured adapters or the ones given (stand-ins for channels under test). */
  startWorkers(adapters?: Map<Channel, ChannelAdapter>): Promise<RunningWorkers>;
  /** The in-process mail server, when the harness has the email channel. */
  smtp: SmtpStandin | null;
  /** The in-process print house (SFTP), when the harness has the letter channel. */
  sftp: Awaited<ReturnType<typeof startSftpStandin>> | null;
  postEvent(body: string, opts?: { secret?: string; webhookId?: string; at?: Date; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A real service on its own database schema and queue prefix, so tests run in any order and
 * in parallel. The Twilio stand-in runs in-process and is reached through the real twilio-node.
 */
export async function createHarness(opts: { workers?: boolean; env?: Record<string, string>; channels?: Channel[] } = {}): Promise<Harness> {
  const id = randomBytes(5).toString('hex');
  const smtp = opts.channels?.includes('email') ? await startSmtpStandin() : null;
  const sftp = opts.channels?.includes('letter') ? await startSftpStandin({ port: 0 }) : null;
  const standin = await startTwilioStandin({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: true });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let port = 0;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_SCHEMA: `t_${id}`,
    QUEUE_PREFIX: `t_${id}`,
    DATABASE_POOL_SIZE: '8',
    EVENT_WEBHOOK_SECRETS: `${SECRET},${ROTATED_SECRET}`,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_URL: standin.url,
    PUBLIC_URL: 'http://127.0.0.1:1', // replaced below once the app listens
    SWEEP_INTERVAL_MS: '3600000',
    JOB_LOCK_MS: '5000',
    // A Wednesday morning in every country the packs cover, so that windows are open unless a test says otherwise.
    CLOCK_START: TEST_CLOCK_START,
    // SMS only unless a test asks for more channels (their stand-ins are then started below).
    SMTP_URL: smtp?.url ?? 'off',
    SFTP_URL: sftp?.url ?? 'off',
    PDF_PAGES: '2',
    TWILIO_WHATSAPP_FROM: opts.channels?.includes('whatsapp') ? 'whatsapp:+31612300000' : 'off',
    ...opts.env,
  });
  const services = createServices({ ...config, logLevel: 'info' }, createLogger('info', sink));
  await migrate(services.db, config.databaseSchema);
  const templates = await openTemplateStore(services);
  const app = await buildApp(services, { templates });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  // Providers call back on the address the app really listens on.
  services.config.publicUrl = `http://127.0.0.1:${port}`;
  const { key } = await createApiKey(services.db, 'tests');

  const harness: Harness = {
    config: services.config,
    services,
    app,
    logLines,
    apiKey: key,
    standin,
    smtp,
    sftp,
    workers: null,
    async startWorkers(adapters) {
      harness.workers = await startWorkerRole(services, adapters ?? createAdapters(services, templates.catalogue), templates);
      return harness.workers;
    },
    postEvent(body, o = {}) {
      const headers = signWebhook(o.secret ?? SECRET, o.webhookId ?? `msg_${randomBytes(8).toString('hex')}`, body, o.at ?? new Date());
      return app.inject({ method: 'POST', url: '/v1/events', payload: body, headers: { 'content-type': 'application/json', ...headers, ...o.headers } });
    },
    async count(table) {
      const { rows } = await services.db.query<{ n: string }>(`select count(*) as n from ${table}`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await harness.workers?.close();
      await app.close();
      await services.queues.plan.obliterate({ force: true }).catch(() => {});
      for (const queue of Object.values(services.queues.dispatch)) await queue.obliterate({ force: true }).catch(() => {});
      await services.db.query(`drop schema if exists ${config.databaseSchema} cascade`);
      await services.close();
      await standin.close();
      await smtp?.close();
      await sftp?.close();
    },
  };
  if (opts.workers) await harness.startWorkers();
  return harness;
}

/** Resolves when `check` returns a truthy value; polls the database, which is where the truth is. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function flushRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
