import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

// A local mail server for `npm start` and benchmarks: accepts every message for any recipient
// (optionally with AUTH) and keeps the raw messages in memory, so a demo can show that email
// went out without a real mail provider.

export interface SmtpStandin {
  url: string;
  port: number;
  /** Raw RFC 5322 messages, oldest first (at most `keep`). */
  messages(): Buffer[];
  stats(): { accepted: number; bytes: number };
  close(): Promise<void>;
}

/**
 * Recipients whose local part starts `reject-<code>` are refused at RCPT with that reply code
 * (reject-550@… : mailbox unknown, reject-452@… : try later), so tests and demos can reach each
 * failure class through the real client.
 */
export async function startSmtpStandin(opts: { port?: number; host?: string; keep?: number; user?: string; password?: string } = {}): Promise<SmtpStandin> {
  const kept: Buffer[] = [];
  const keep = opts.keep ?? 1000;
  let accepted = 0;
  let bytes = 0;
  // No STARTTLS: smtp-server's built-in certificate has expired, and a local stand-in needs none.
  const auth: Partial<SMTPServerOptions> = opts.user
    ? {
        authOptional: false,
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        onAuth(a, _session, done) {
          if (a.username === opts.user && a.password === opts.password) done(null, { user: a.username });
          else done(new Error('invalid credentials'));
        },
      }
    : { authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'] };
  const server = new SMTPServer({
    secure: false,
    ...auth,
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, done) {
      const code = /^reject-(\d{3})@/i.exec(address.address)?.[1];
      if (!code) return done();
      const err = Object.assign(new Error(code.startsWith('5') ? 'mailbox unavailable' : 'try again later'), { responseCode: Number(code) });
      done(err);
    },
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        accepted++;
        bytes += raw.length;
        kept.push(raw);
        if (kept.length > keep) kept.shift();
        done();
      });
    },
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: opts.user ? `smtp://${opts.user}:${opts.password ?? ''}@${host}:${port}` : `smtp://${host}:${port}`,
    port,
    messages: () => [...kept],
    stats: () => ({ accepted, bytes }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
