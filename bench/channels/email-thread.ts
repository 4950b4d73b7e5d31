import { parentPort, workerData } from 'node:worker_threads';
import { loadContent } from './content.ts';
import { createEmailSender, type EmailSenderOptions } from './email-sender.ts';
import { drive, warmUp, type RunResult } from './lib.ts';

// One email sender in a worker thread, standing for one dispatch process: its own event loop,
// heap and SMTP pool, on whichever core is free. Warms up, says ready, runs on `go`, reports.

export interface ThreadInput extends EmailSenderOptions {
  warmup: number;
  emails: number;
  concurrency: number;
}

export type ThreadMessage = { type: 'ready' } | { type: 'done'; run: RunResult } | { type: 'failed'; error: string };

const input = workerData as ThreadInput;
const port = parentPort;
if (!port) throw new Error('email-thread.ts runs as a worker thread');

const sender = createEmailSender(await loadContent(), input);
try {
  await warmUp(input.warmup, input.concurrency, sender.send);
  port.postMessage({ type: 'ready' } satisfies ThreadMessage);
  await new Promise<void>((resolve) => port.once('message', () => resolve()));
  const run = await drive(input.emails, input.concurrency, (i) => sender.send(input.warmup + i));
  port.postMessage({ type: 'done', run } satisfies ThreadMessage);
} catch (err) {
  port.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) } satisfies ThreadMessage);
} finally {
  await sender.close();
  port.close();
}
