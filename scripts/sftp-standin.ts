// Runs the SFTP print-house stand-in as a process: `node scripts/sftp-standin.ts`.
// Env: SFTP_STANDIN_PORT (2222), SFTP_STANDIN_HOST (127.0.0.1), SFTP_STANDIN_ROOT (the directory
//      served; else a temporary one, removed on exit), SFTP_STANDIN_USER / SFTP_STANDIN_PASSWORD (printhouse / printhouse),
//      SFTP_STANDIN_PRINT_HOUSE (set to 0/false to only store files), SFTP_STANDIN_PRINT_DELAY_MS and
//      SFTP_STANDIN_POST_DELAY_MS (2000 each): from a batch's manifest to "printed", then to "posted".
// The URL it prints is the default SFTP_URL of local runs.
import { startSftpStandin } from './standins/sftp-standin.ts';

const env = process.env;
const flag = (value: string | undefined) => value === undefined || !/^(0|false|no|off)$/i.test(value);
const printHouse = flag(env.SFTP_STANDIN_PRINT_HOUSE);

const standin = await startSftpStandin({
  port: Number(env.SFTP_STANDIN_PORT ?? 2222),
  host: env.SFTP_STANDIN_HOST ?? '127.0.0.1',
  ...(env.SFTP_STANDIN_ROOT ? { root: env.SFTP_STANDIN_ROOT } : {}),
  user: env.SFTP_STANDIN_USER ?? 'printhouse',
  password: env.SFTP_STANDIN_PASSWORD ?? 'printhouse',
  printHouse: printHouse && { printDelayMs: Number(env.SFTP_STANDIN_PRINT_DELAY_MS ?? 2000), postDelayMs: Number(env.SFTP_STANDIN_POST_DELAY_MS ?? 2000) },
});

console.log(`sftp stand-in listening on ${standin.url} (files in ${standin.root}; host key ${standin.hostKeyFingerprint}; print house ${printHouse ? 'on' : 'off'})`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void standin.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
