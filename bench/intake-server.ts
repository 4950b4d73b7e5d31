import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { migrate } from '../src/store/migrate.ts';
import { buildApp } from '../src/app.ts';
import { serveParent } from './lib/child.ts';

// Our service as it runs in production with ROLE=api: real config, services, migrations and
// app; no workers, so the benchmark measures intake only. The only departure from a default
// production deployment is LOG_LEVEL=warn (overridable with BENCH_LOG_LEVEL): at info, one
// request log line per event would be a large part of what is measured.

const env = process.env;
const config = loadConfig({
  NODE_ENV: 'production',
  ROLE: 'api',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: env.BENCH_LOG_LEVEL || 'warn',
  DATABASE_URL: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: env.REDIS_URL || 'redis://127.0.0.1:6379',
  DATABASE_SCHEMA: env.DATABASE_SCHEMA,
  QUEUE_PREFIX: env.QUEUE_PREFIX,
  EVENT_WEBHOOK_SECRETS: env.EVENT_WEBHOOK_SECRETS,
  PUBLIC_URL: 'http://127.0.0.1:1',
  // Production refuses local defaults; these are syntactically valid and never used by intake.
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'bench-auth-token',
  TWILIO_MESSAGING_SERVICE_SID: 'MG' + '0'.repeat(32),
  SENDER_NAME: 'Bench Collect',
  SENDER_PHONE: '+31 20 000 0000',
  SENDER_EMAIL: 'help@bench.example',
  SENDER_WEB: 'https://bench.example',
  LINK_SIGNING_SECRET: 'bench-link-signing-secret-0123456789',
});

const services = createServices(config);
await migrate(services.db, config.databaseSchema);
const app = await buildApp(services);
await app.listen({ port: config.port, host: config.host });
const address = app.server.address();

serveParent(
  typeof address === 'object' && address ? address.port : 0,
  async () => {
    // The service's own count of stored events, to compare with rows and with the client's 2xx.
    const { values } = await services.metrics.eventsReceived.get();
    const stored = values.filter((v) => v.labels.outcome === 'stored').reduce((sum, v) => sum + v.value, 0);
    return { rssBytes: process.memoryUsage().rss, stored };
  },
  async () => {
    await app.close();
    await services.close();
  },
);
