import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ROOT_DIR } from '../src/runtime.ts';
import { signWebhook } from '../src/http/webhook-signature.ts';
import { startTwilioStandin } from '../scripts/standins/twilio-standin.ts';
import { ACCOUNT_SID, AUTH_TOKEN, eventually, SECRET, TEST_CLOCK_START } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';

const schema = `t_proc_${randomBytes(4).toString('hex')}`;
const db = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 1 });
afterAll(async () => {
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.end();
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', CLOCK_START: TEST_CLOCK_START, DATABASE_SCHEMA: schema, QUEUE_PREFIX: schema, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('debtor-comms started') && resolve());
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  started.catch(() => {}); // a test that expects the process to exit does not await it
  return { child, started, output: () => output };
}

describe('the service process', () => {
  // Runs src/main.ts under plain Node, not through vitest's module loader: CommonJS interop and
  // type stripping behave as in production here.
  it('migrates, starts with ROLE=all, sends a real event as SMS, and stops cleanly on SIGTERM', async () => {
    const standin = await startTwilioStandin({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const service = start({ ROLE: 'all', PORT: String(port), EVENT_WEBHOOK_SECRETS: SECRET, TWILIO_API_URL: standin.url, TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL: `http://127.0.0.1:${port}` });
    try {
      await service.started;
      const { rows } = await db.query(`select version from ${schema}.schema_migrations`);
      expect(rows.map((r) => r.version)).toContain('001_initial');
      const body = JSON.stringify(contractEvent('pl-payment-missed'));
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...signWebhook(SECRET, 'wh-process-1', body) }, body });
      expect(res.status).toBe(202);
      const delivered = await eventually(async () => {
        const { rows: m } = await db.query<{ status: string; body: string }>(`select status, body from ${schema}.messages`);
        return m[0]?.status === 'delivered' ? m[0] : null;
      });
      expect(delivered.body).toContain('250,00 zł');
      expect(standin.stats()).toMatchObject({ accepted: 1, duplicates: 0 });
    } finally {
      await standin.close();
    }
    service.child.kill('SIGTERM');
    const [code] = await once(service.child, 'exit');
    expect(code).toBe(0);
    expect(service.output()).toContain('shutting down');
  });

  it('refuses to start with a clear message when the configuration is wrong', async () => {
    const service = start({ NODE_ENV: 'production' });
    const [code] = await once(service.child, 'exit');
    expect(code).toBe(78);
    expect(service.output()).toContain('configuration error: missing required environment: DATABASE_URL');
  });
});
