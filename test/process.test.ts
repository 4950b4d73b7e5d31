import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ROOT_DIR } from '../src/runtime.ts';

const schema = `t_proc_${randomBytes(4).toString('hex')}`;
const db = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 1 });
afterAll(async () => {
  await db.query(`drop schema if exists ${schema} cascade`);
  await db.end();
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', DATABASE_SCHEMA: schema, QUEUE_PREFIX: schema, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('debtor-comms started') && resolve());
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, started, output: () => output };
}

describe('the service process', () => {
  it('migrates, starts with ROLE=all, and stops cleanly on SIGTERM', async () => {
    const service = start({ ROLE: 'all' });
    await service.started;
    const { rows } = await db.query(`select version from ${schema}.schema_migrations`);
    expect(rows.map((r) => r.version)).toContain('001_initial');
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
