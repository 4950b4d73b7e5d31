import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from './node-flags.ts';

// npm start: the service (ROLE=all) plus the local Twilio stand-in it sends SMS to, so a newcomer
// sees the whole pipeline without a Twilio account. Production runs `npm run serve` (src/main.ts)
// with real settings instead.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];

function run(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} stopped (${signal ?? code}); stopping the rest\n`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const standinPort = process.env.TWILIO_STANDIN_PORT ?? '4010';
run('twilio stand-in', 'scripts/twilio-standin.ts', { TWILIO_STANDIN_PORT: standinPort });
run('service', 'src/main.ts', { TWILIO_API_URL: process.env.TWILIO_API_URL ?? `http://127.0.0.1:${standinPort}` });
process.stdout.write(`\nStarting the service on http://127.0.0.1:${process.env.PORT ?? 3000} with a local Twilio stand-in on :${standinPort}.\nIn another terminal: npm run demo\n\n`);
