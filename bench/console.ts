// npm run bench:console — what a console user waits for: the live preview on each pause in typing
// (SMS and email, all four sample countries rendered and checked), the template list, a case search,
// a timeline, an audit page, and a sign-in (scrypt by design). Each figure stands beside the floor of
// the same server in the same run: GET /healthz. Prints figures; asserts nothing.
import { randomBytes } from 'node:crypto';
import autocannon, { type Result } from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createServices } from '../src/services.ts';
import { migrate } from '../src/store/migrate.ts';
import { buildApp } from '../src/app.ts';
import { openTemplateStore } from '../src/runtime.ts';
import { createAccount } from '../src/console/staff-accounts.ts';
import { signWebhook } from '../src/http/webhook-signature.ts';
import { contractFixtures } from '../src/rendering/sample-events.ts';
import { dropSchemas } from './lib/cleanup.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const id = randomBytes(4).toString('hex');
const SECRET = 'whsec_YmVuY2gtY29uc29sZS1zZWNyZXQtMDEyMzQ1';
const config = loadConfig({ ...process.env, NODE_ENV: 'development', DATABASE_SCHEMA: `bench_console_${id}`, QUEUE_PREFIX: `bench_console_${id}`, LOG_LEVEL: 'silent', EVENT_WEBHOOK_SECRETS: SECRET, SMTP_URL: 'off', SFTP_URL: 'off', TWILIO_WHATSAPP_FROM: 'off' });
const services = createServices(config, createLogger('silent'));
await migrate(services.db, config.databaseSchema);
const templates = await openTemplateStore(services);
const app = await buildApp(services, { templates });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

try {
  // Cases to find and read: the four contract events, stored (no workers: planning is not measured here).
  for (const { event } of await contractFixtures()) {
    const body = JSON.stringify(event);
    const res = await fetch(`${base}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signWebhook(SECRET, `msg_${randomBytes(6).toString('hex')}`, body, new Date()) } });
    if (!res.ok) throw new Error(`event refused: ${res.status}`);
  }
  const password = 'a long console passphrase';
  await createAccount(services.db, { username: 'bench', displayName: 'Bench', password, roles: ['editor', 'auditor'], locale: 'en' }, 'bench');
  const signInStarted = performance.now();
  const signedIn = await fetch(`${base}/v1/staff/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password }) });
  const signInMs = performance.now() - signInStarted;
  const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  const session = { cookie, 'x-csrf-token': csrfToken };

  const smsBody = (await (await fetch(`${base}/v1/templates/case-opened/sms/fi/versions`, { headers: session })).json()) as { versions: Array<{ parts: Record<string, string> }> };
  const emailBody = (await (await fetch(`${base}/v1/templates/case-opened/email/fi/versions`, { headers: session })).json()) as { versions: Array<{ parts: Record<string, string> }> };
  const sms = smsBody.versions[0]?.parts ?? {};
  const email = emailBody.versions[0]?.parts ?? {};

  const run = (method: 'GET' | 'POST', path: string, body?: () => string): Promise<Result> =>
    autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [{ method, path, headers: { ...session, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { setupRequest: (req) => ({ ...req, body: body() }) } : {}) }],
    });
  // Each preview is a different text (a counter at the end), as typing makes it.
  let n = 0;
  const cases: Array<[string, 'GET' | 'POST', string, (() => string) | undefined]> = [
    ['floor: GET /healthz', 'GET', '/healthz', undefined],
    ['live preview, SMS (4 samples)', 'POST', '/v1/templates/case-opened/sms/fi/preview', () => JSON.stringify({ parts: { body: `${sms.body ?? ''} ${n++}` } })],
    ['live preview, email (4 samples)', 'POST', '/v1/templates/case-opened/email/fi/preview', () => JSON.stringify({ parts: { ...email, text: `${email.text ?? ''} ${n++}` } })],
    ['template list', 'GET', '/v1/templates', undefined],
    ['case search (phone)', 'GET', '/v1/cases?q=%2B358401234567', undefined],
    ['case timeline', 'GET', '/v1/cases/FI-2026-004711/timeline', undefined],
    ['audit page (decisions)', 'GET', '/v1/audit/decisions?limit=50', undefined],
  ];
  const line = (s: string) => process.stdout.write(`${s}\n`);
  line(`console benchmark: ${CONNECTIONS} connections, ${SECONDS} s per route, one process (service and load generator), signed in as staff`);
  line('route                               req/s    p50 ms   p99 ms   non-2xx   ratio to floor');
  let floor = 0;
  for (const [label, method, path, body] of cases) {
    const r = await run(method, path, body);
    const rps = r.requests.average;
    if (!floor) floor = rps;
    const bad = r.non2xx;
    line(`${label.padEnd(34)} ${rps.toFixed(0).padStart(7)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(bad).padStart(9)}   ${(rps / floor).toFixed(3)}`);
  }
  line(`sign-in (scrypt N=2^15, one request): ${signInMs.toFixed(0)} ms`);
  line(`resident memory after the run: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
} finally {
  await app.close();
  await services.close();
  await dropSchemas(config.databaseUrl, [config.databaseSchema]);
}
