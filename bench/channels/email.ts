import { generateKeyPairSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Content } from './content.ts';
import { dkimCost } from './dkim-cost.ts';
import type { ThreadInput, ThreadMessage } from './email-thread.ts';
import { combine, fmt, line, startServer, type RunResult } from './lib.ts';
import { INDENT, measure, perMessage, printFigures, type Figures } from './measure.ts';

// Email through the real SMTP adapter (pooled nodemailer) to scripts/smtp-standin.ts (smtp-server)
// in its own process: pool 5 and 10, without and with DKIM (RSA-2048 over both list headers, as
// production signs). Parts are the catalogue's payment-missed email in each language. Senders run
// in worker threads: one stands for one dispatch process (a Node process sends on one core), two
// show what a second process on the second core adds ("2 × pool 10": two threads, each with its
// own pool of 10 connections); the sends in flight are shared between them.

export interface EmailRunOptions {
  emails: number;
  concurrency: number;
  warmup: number;
  pools: number[];
  /** Unsigned, signed, or both (in that order). */
  signing: boolean[];
  /** Sender threads per variant, e.g. [1, 2]. */
  threads: number[];
}

export async function runEmail(content: Content, opts: EmailRunOptions): Promise<Figures[]> {
  if (opts.emails <= 0) return [];
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const standin = await startServer('scripts/smtp-standin.ts', { SMTP_STANDIN_PORT: '0' }, /listening on (smtp:\/\/\S+)/);
  const smtpUrl = standin.ready[1]!;
  const figures: Figures[] = [];
  const oneThread: Figures[] = [];
  try {
    for (const threads of opts.threads) {
      for (const signed of opts.signing) {
        for (const poolSize of opts.pools) {
          const input: ThreadInput = {
            smtpUrl,
            poolSize,
            dkimKey: signed ? privateKey : null,
            warmup: Math.ceil(opts.warmup / threads),
            emails: Math.ceil(opts.emails / threads),
            concurrency: Math.max(1, Math.floor(opts.concurrency / threads)),
          };
          const workers = await Promise.all(Array.from({ length: threads }, () => startThread(input)));
          const f = await measure({
            label: `email ${threads > 1 ? `${threads} × ` : ''}pool ${poolSize}${signed ? ' DKIM' : ''}`,
            goal: 1_000,
            concurrency: input.concurrency * threads,
            serverPids: () => [standin.pid],
            serverName: 'stand-in',
            run: async () => {
              const started = performance.now();
              const runs = await Promise.all(workers.map((w) => w.go()));
              return combine(runs, (performance.now() - started) / 1000);
            },
          });
          printFigures(f);
          figures.push(f);
          if (threads === 1) oneThread.push(f);
        }
      }
    }
  } finally {
    await standin.stop();
  }
  await explainDkim(content, privateKey, oneThread);
  return figures;
}

/** A sender thread, warmed up and waiting; `go` runs it and resolves with its figures. */
async function startThread(input: ThreadInput): Promise<{ go(): Promise<RunResult> }> {
  const worker = new Worker(new URL('./email-thread.ts', import.meta.url), { workerData: input });
  const next = (): Promise<ThreadMessage> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`email sender thread: ${ready.type === 'failed' ? ready.error : 'no ready message'}`);
  return {
    async go() {
      const done = next();
      worker.postMessage('go');
      const m = await done;
      if (m.type !== 'done') throw new Error(`email sender thread: ${m.type === 'failed' ? m.error : 'no result'}`);
      return m.run;
    },
  };
}

/** Where the DKIM time goes: the signed runs' extra CPU per message, against the signature's own cost. */
async function explainDkim(content: Content, privateKey: string, figures: readonly Figures[]): Promise<void> {
  const plain = figures.filter((f) => !f.label.endsWith('DKIM'));
  const signed = figures.filter((f) => f.label.endsWith('DKIM'));
  if (!plain.length || !signed.length) return;
  const mean = (fs: readonly Figures[], pick: (f: Figures) => number): number => fs.reduce((a, f) => a + pick(f), 0) / fs.length;
  const extra = mean(signed, (f) => perMessage(f.cpu.bench, f)) - mean(plain, (f) => perMessage(f.cpu.bench, f));
  const best = Math.max(...signed.map((f) => f.run.perSecond));
  const cost = await dkimCost(content, privateKey);
  const signedMs = mean(signed, (f) => perMessage(f.cpu.bench, f));
  line(`  ${'DKIM'.padEnd(INDENT.length)} a signed send costs the bench ${signedMs.toFixed(3)} ms of CPU, ${extra.toFixed(3)} ms more than an unsigned one (best signed run in one thread ${fmt(best)}/s${best < 1_000 ? ': below 1,000/s' : ''})`);
  line(
    `  ${INDENT} in isolation on one core: nodemailer builds the ${fmt(cost.bytes / 1024, 1)} KB message in ${cost.buildMs.toFixed(3)} ms unsigned, ${cost.buildSignedMs.toFixed(3)} ms signed (+${(cost.buildSignedMs - cost.buildMs).toFixed(3)} ms),`,
  );
  line(`  ${INDENT} of which the RSA-2048 signature is ${cost.signMs.toFixed(3)} ms and the rest the relaxed body hash and header canonicalisation`);
}
