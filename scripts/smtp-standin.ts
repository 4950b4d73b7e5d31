// Runs the local SMTP stand-in as a process (npm start does): SMTP_STANDIN_PORT (2525).
import { startSmtpStandin } from './standins/smtp-standin.ts';

const standin = await startSmtpStandin({ port: Number(process.env.SMTP_STANDIN_PORT ?? 2525), host: process.env.SMTP_STANDIN_HOST ?? '127.0.0.1' });
console.log(`smtp stand-in listening on ${standin.url}`);
const report = setInterval(() => {
  const { accepted } = standin.stats();
  if (accepted) console.log(`smtp stand-in: ${accepted} message(s) received`);
}, 10_000);
report.unref();
const stop = () => void standin.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
