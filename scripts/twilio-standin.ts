// Runs the Twilio stand-in as a process: `npm run twilio-standin`.
// Env: TWILIO_STANDIN_PORT (4010), TWILIO_STANDIN_HOST (127.0.0.1), TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
//      TWILIO_STANDIN_CALLBACKS (set to 0/false to disable), TWILIO_STANDIN_CALLBACK_DELAY_MS (10).
import { startTwilioStandin } from './standins/twilio-standin.ts';

const env = process.env;
const flag = (value: string | undefined) => value === undefined || !/^(0|false|no|off)$/i.test(value);

const standin = await startTwilioStandin({
  port: Number(env.TWILIO_STANDIN_PORT ?? 4010),
  host: env.TWILIO_STANDIN_HOST ?? '127.0.0.1',
  accountSid: env.TWILIO_ACCOUNT_SID ?? 'AC' + '0'.repeat(32),
  authToken: env.TWILIO_AUTH_TOKEN ?? 'standin-auth-token',
  callbacks: flag(env.TWILIO_STANDIN_CALLBACKS),
  callbackDelayMs: Number(env.TWILIO_STANDIN_CALLBACK_DELAY_MS ?? 10),
});

console.log(`twilio stand-in listening on ${standin.url} (callbacks ${flag(env.TWILIO_STANDIN_CALLBACKS) ? 'on' : 'off'})`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void standin.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
