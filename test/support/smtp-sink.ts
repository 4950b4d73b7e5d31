import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

// An in-process SMTP server (smtp-server, the receiving half of nodemailer's project) that keeps
// every message it accepted as raw bytes, and can refuse recipients or stall like real servers do.

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpSinkOptions {
  /** Require AUTH with these credentials (over STARTTLS, as smtp-server insists). */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with smtp-server's built-in self-signed certificate (default true). */
  starttls?: boolean;
  /** A reply for RCPT TO: `[code, text]` refuses the recipient, null accepts it. */
  rcpt?: (address: string, attempt: number) => [number, string] | null;
  /** Take the message's bytes but never answer the final dot (a server stalling after DATA). */
  stallAfterData?: boolean;
}

export interface SmtpSink {
  port: number;
  url: (credentials?: { user: string; pass: string }) => string;
  messages: SinkMessage[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Resolves with the n-th accepted message (1-based), now or when it arrives. */
  nth(n: number): Promise<SinkMessage>;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters: Array<{ n: number; resolve: (m: SinkMessage) => void }> = [];
  const attempts = new Map<string, number>();
  let connections = 0;
  const options: SMTPServerOptions = {
    logger: false,
    authOptional: !opts.auth,
    ...(opts.starttls === false ? { hideSTARTTLS: true } : {}),
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return callback(null, { user: auth.username });
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const attempt = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, attempt);
      const refusal = opts.rcpt?.(address.address, attempt);
      callback(refusal ? smtpError(refusal[0], refusal[1]) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (opts.stallAfterData) return; // never answers: the client's socket timeout decides
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        messages.push(message);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i];
          if (w && w.n === messages.length) {
            waiters.splice(i, 1);
            w.resolve(message);
          }
        }
        callback(null, 'OK: queued');
      });
    },
  };
  const server = new SMTPServer(options);
  // A client that gives up (timeout, reset) surfaces here; a real server logs it and carries on.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: (c) => `smtp://${c ? `${encodeURIComponent(c.user)}:${encodeURIComponent(c.pass)}@` : ''}127.0.0.1:${port}`,
    messages,
    connections: () => connections,
    nth(n) {
      const found = messages[n - 1];
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A TCP proxy in front of a sink (without STARTTLS, so it can read the commands) that resets both
 * sides once the client starts sending the message after DATA: a connection lost mid-transfer.
 */
export async function startDroppingProxy(targetPort: number): Promise<{ port: number; drops(): number; close(): Promise<void> }> {
  let drops = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let dataSent = false;
    let answered354 = false;
    const reset = () => {
      drops++;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (answered354) return reset();
      if (/^DATA\r\n/m.test(chunk.toString('latin1'))) dataSent = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dataSent && /^354[ -]/m.test(chunk.toString('latin1'))) answered354 = true;
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    drops: () => drops,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
