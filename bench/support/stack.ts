import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { SERVICE_NODE_FLAGS } from '../../scripts/node-flags.ts';

// Runs the real service as separate processes (API, workers) plus the Twilio stand-in, each on
// this run's own database schema and queue prefix, and samples their resident memory.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SECRET = 'whsec_YmVuY2gtc2VjcmV0LWZvci1waXBlbGluZS1ydW5z';
const ACCOUNT_SID = 'AC' + 'be'.repeat(16);
const AUTH_TOKEN = 'bench-auth-token-0123';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StackOptions {
  apiPort: number;
  standinPort: number;
  /** Twilio stand-in posts status callbacks back to the API (two per message). */
  callbacks: boolean;
  workerEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
}

export interface Stack {
  id: string;
  schema: string;
  prefix: string;
  apiUrl: string;
  standinUrl: string;
  db: pg.Pool;
  api: ChildProcess;
  worker: ChildProcess;
  standinPid: number | undefined;
  startWorker(): Promise<ChildProcess>;
  standinStats(): Promise<StandinStats>;
  /** Prometheus text of the API (0) or the n-th worker. */
  metrics(n: number): Promise<string>;
  peakRssMb(): Record<string, number>;
  stop(): Promise<void>;
}

export interface StandinStats {
  accepted: number;
  uniqueMessages: number;
  duplicates: number;
  duplicateKeys: string[];
  rejected: number;
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready`);
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const id = randomBytes(4).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `bench_${id}`;
  const apiUrl = `http://127.0.0.1:${opts.apiPort}`;
  const standinUrl = `http://127.0.0.1:${opts.standinPort}`;
  const env = {
    ...process.env,
    // Not 'production' only because production refuses CLOCK_START; every value is set explicitly.
    NODE_ENV: 'development',
    // Wednesday morning everywhere: the contact policy's windows are open, whatever day the bench runs.
    CLOCK_START: '2026-11-18T09:00:00Z',
    // The pipeline bench measures SMS: the other channels are off, as in a deployment without them.
    SMTP_URL: 'off',
    SFTP_URL: 'off',
    TWILIO_WHATSAPP_FROM: 'off',
    LOG_LEVEL: 'warn',
    DATABASE_URL,
    DATABASE_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    REDIS_URL: 'redis://127.0.0.1:6379',
    EVENT_WEBHOOK_SECRETS: SECRET,
    PUBLIC_URL: apiUrl,
    PORT: String(opts.apiPort),
    HOST: '127.0.0.1',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_MESSAGING_SERVICE_SID: 'MG' + 'be'.repeat(16),
    SENDER_NAME: 'Bench Collect',
    SENDER_PHONE: '+31 20 000 0000',
    SENDER_EMAIL: 'help@bench.example',
    SENDER_WEB: 'https://bench.example',
    LINK_SIGNING_SECRET: 'bench-link-signing-secret-0123456789',
    TWILIO_API_URL: standinUrl,
    TWILIO_MAX_PER_SECOND: '100000',
  };
  const peaks: Record<string, number> = {};
  const children: ChildProcess[] = [];
  const launch = (name: string, script: string, extra: Record<string, string>): ChildProcess => {
    // BENCH_LOG_DIR keeps each process's log (warnings and errors at LOG_LEVEL=warn) for a look afterwards.
    const logTo = process.env.BENCH_LOG_DIR ? openSync(path.join(process.env.BENCH_LOG_DIR, `${name}.log`), 'a') : 'ignore';
    const child = spawn(process.execPath, [...(script === 'src/main.ts' ? SERVICE_NODE_FLAGS : []), script], { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', logTo, 'inherit'] });
    children.push(child);
    const sampler = setInterval(() => {
      peaks[name] = Math.max(peaks[name] ?? 0, rssMb(child.pid));
    }, 250);
    child.on('exit', () => clearInterval(sampler));
    return child;
  };

  const standin = launch('twilio-standin', 'scripts/twilio-standin.ts', {
    TWILIO_STANDIN_PORT: String(opts.standinPort),
    TWILIO_STANDIN_CALLBACKS: opts.callbacks ? '1' : '0',
  });
  // The API migrates the schema at start; workers start after it is ready.
  const api = launch('api', 'src/main.ts', { ROLE: 'api', ...opts.apiEnv });
  await waitFor(`${apiUrl}/readyz`);
  await waitFor(`${standinUrl}/__standin/stats`);
  let workerCount = 0;
  // Workers serve /metrics on the ports after the API's.
  const startWorker = async () => launch(`worker${workerCount++ ? `-${workerCount}` : ''}`, 'src/main.ts', { ROLE: 'worker', PORT: String(opts.apiPort + workerCount), ...opts.workerEnv });
  const worker = await startWorker();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });

  return {
    id,
    schema,
    prefix,
    apiUrl,
    standinUrl,
    db,
    api,
    worker,
    standinPid: standin.pid,
    startWorker,
    async standinStats() {
      return (await (await fetch(`${standinUrl}/__standin/stats`)).json()) as StandinStats;
    },
    peakRssMb: () => ({ ...peaks }),
    async metrics(n) {
      return (await fetch(`http://127.0.0.1:${opts.apiPort + n}/metrics`)).text();
    },
    async stop() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode ? null : new Promise((r) => c.once('exit', r)))));
      await db.query(`drop schema if exists ${schema} cascade`);
      await db.end();
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
