import { randomBytes } from 'node:crypto';
import { createLetterAdapter } from '../../src/channels/letter-adapter.ts';
import { createPdfRenderer } from '../../src/channels/letter/pdf-renderer.ts';
import { createDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { dropSchemas } from '../lib/cleanup.ts';
import { drive, fmt, line, warmUp } from './lib.ts';
import { descendants } from './cpu.ts';
import { INDENT, measure, printFigures, type Figures } from './measure.ts';

// --outbox: the letter adapter end to end, as dispatch calls it: look in the outbox, render the
// page to PDF, store the PDF (bytea, a few hundred KB) in letter_outbox. On a throwaway schema,
// dropped at the end; the message rows it references are seeded before the clock starts.

export interface OutboxOptions {
  databaseUrl: string;
  pages: number;
  letters: number;
  chromiumPath: string;
}

export async function runOutbox(pages: readonly string[], opts: OutboxOptions): Promise<Figures> {
  const tag = randomBytes(4).toString('hex');
  const schema = `bench_channels_${tag}`;
  const applicationName = `bench_channels_${tag}`;
  // Twice the pages in flight: while one letter waits for the database, another can use its page.
  const concurrency = opts.pages * 2;
  const db = createDb({ url: opts.databaseUrl, schema, poolSize: concurrency, applicationName });
  const warm = opts.pages * 2;
  const total = warm + opts.letters;
  const id = (i: number): string => `msg_${tag}${i.toString(16).padStart(24, '0')}`;
  // Ctrl-C must not leave the schema behind.
  const interrupted = (): void => {
    line('interrupted: dropping the schema');
    void dropSchemas(opts.databaseUrl, [schema]).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    await migrate(db, schema);
    await db.query(`insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload) values ('evt-bench', 'wh-bench', 'payment.missed', 'case-bench', 'deb-bench', now(), '{}')`);
    await db.query(
      `insert into messages (id, event_id, case_id, debtor_id, step, channel, to_address, body, parts, status)
       select $1 || lpad(to_hex(i), 24, '0'), 'evt-bench', 'case-bench', 'deb-bench', 'letter', 'letter', 'postal:deb-bench', 'letter', '{}', 'sending'
         from generate_series(0, $2::int - 1) as i`,
      [`msg_${tag}`, total],
    );
    const pdf = await createPdfRenderer({ chromiumPath: opts.chromiumPath, pages: opts.pages });
    try {
      const adapter = createLetterAdapter({ db, pdf });
      const send = (i: number) =>
        adapter.send({ messageId: id(i), channel: 'letter', to: 'postal:deb-bench', body: 'letter', country: 'PL', statusCallbackUrl: '', parts: { page: pages[i % pages.length]! }, locale: 'pl', conversationOpen: false });
      await warmUp(warm, concurrency, send);
      const f = await measure({
        label: `letters + outbox, ${opts.pages} pages`,
        unit: 'letters',
        goal: 20,
        concurrency,
        serverPids: () => descendants(process.pid),
        serverName: 'chromium',
        run: () => drive(opts.letters, concurrency, (i) => send(warm + i)),
        postgres: { url: opts.databaseUrl, applicationName },
      });
      printFigures(f);
      const { rows } = await db.query<{ n: number; bytes: string }>('select count(*)::int as n, coalesce(sum(bytes), 0)::text as bytes from letter_outbox');
      const stored = rows[0];
      line(`  ${INDENT} outbox: ${fmt(stored?.n ?? 0)} letters stored, ${fmt(Number(stored?.bytes ?? 0) / 2 ** 20, 1)} MB of PDF; schema ${schema} dropped next`);
      return f;
    } finally {
      await pdf.close();
    }
  } finally {
    process.off('SIGINT', interrupted);
    await db.end().catch(() => undefined);
    await dropSchemas(opts.databaseUrl, [schema]);
  }
}
