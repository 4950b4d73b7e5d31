import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from './node-flags.ts';

// npm start: the service (ROLE=all) plus local stand-ins for every provider — Twilio (SMS and
// WhatsApp), an SMTP server, an SFTP print house — so a newcomer sees the whole pipeline without
// any account. Production runs `npm run serve` (src/main.ts) with real settings instead.

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
const smtpPort = process.env.SMTP_STANDIN_PORT ?? '2525';
const sftpPort = process.env.SFTP_STANDIN_PORT ?? '2222';
run('twilio stand-in', 'scripts/twilio-standin.ts', { TWILIO_STANDIN_PORT: standinPort });
run('smtp stand-in', 'scripts/smtp-standin.ts', { SMTP_STANDIN_PORT: smtpPort });
run('sftp print house stand-in', 'scripts/sftp-standin.ts', { SFTP_STANDIN_PORT: sftpPort });
run('service', 'src/main.ts', {
  TWILIO_API_URL: process.env.TWILIO_API_URL ?? `http://127.0.0.1:${standinPort}`,
  SMTP_URL: process.env.SMTP_URL ?? `smtp://127.0.0.1:${smtpPort}`,
  SFTP_URL: process.env.SFTP_URL ?? `sftp://printhouse:printhouse@127.0.0.1:${sftpPort}/inbox`,
  // The local console's first admin (documented in the README); production sets its own or uses npm run staff:add.
  STAFF_ADMIN_USERNAME: process.env.STAFF_ADMIN_USERNAME ?? 'admin',
  STAFF_ADMIN_PASSWORD: process.env.STAFF_ADMIN_PASSWORD ?? 'change-me-locally',
});
process.stdout.write(
  `\nStarting the service on http://127.0.0.1:${process.env.PORT ?? 3000} with local stand-ins: Twilio :${standinPort}, SMTP :${smtpPort}, SFTP print house :${sftpPort}.\nConsole: http://127.0.0.1:${process.env.PORT ?? 3000}/console/ (admin / change-me-locally).\nIn another terminal: npm run demo\n\n`,
);
