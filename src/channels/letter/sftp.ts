// The SFTP session with the print house, through ssh2-sftp-client. Its error messages quote remote
// paths and hosts; they are not personal, but callers log errors through the logger's serializer,
// which keeps only type and code, like every other provider error.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { ConfigError } from '../../errors.ts';

export interface SftpTarget {
  /** `sftp://user:password@host:port/dir` (the password may be left out when a key is given). */
  url: string;
  /** PEM or OpenSSH private key for the login, instead of the URL's password. */
  privateKey?: string;
  /**
   * The print house's host key as OpenSSH prints it (`SHA256:…`). Without it any host key is
   * accepted, which is only right for a local stand-in.
   */
  hostKeyFingerprint?: string;
  /** Connection and handshake timeout (default 10 s). */
  readyTimeoutMs?: number;
  /** Files written at once over the one connection (default 16). */
  uploadConcurrency?: number;
}

export interface SftpSession {
  client: SftpClient;
  /** The directory of the URL: batches go in `<dir>/<batchId>/`, acknowledgements in `<dir>/ack/`. */
  dir: string;
  /** Writes whole files, many at once over the one connection; an existing file is replaced. */
  writeFiles(files: ReadonlyArray<{ path: string; data: Buffer }>): Promise<void>;
  /** Writes a file under a temporary name and renames it, so a reader sees all of it or nothing. */
  putAtomically(data: Buffer, remotePath: string): Promise<void>;
  close(): Promise<void>;
}

export interface SftpLocation {
  host: string;
  port: number;
  username: string;
  password: string | undefined;
  dir: string;
}

export function parseSftpUrl(url: string): SftpLocation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError('SFTP_URL must look like sftp://user:password@host:port/dir');
  }
  if (u.protocol !== 'sftp:' || !u.hostname || !u.username) throw new ConfigError('SFTP_URL must look like sftp://user:password@host:port/dir');
  const dir = path.posix.normalize(decodeURIComponent(u.pathname || '/')).replace(/(.)\/+$/, '$1');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 22,
    username: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    dir: dir === '.' ? '/' : dir,
  };
}

/** OpenSSH's fingerprint of a host key: `SHA256:` and the unpadded base64 of its digest. */
export const hostKeyFingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/**
 * The TCP connection, without Nagle's algorithm: SFTP waits for an answer to each small request
 * (stat, open, close, rename), and with Nagle each one waited for a delayed ACK: 90 ms a round
 * trip to the local stand-in, 45 ms with it off on one side, under 1 ms with it off on both.
 */
async function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  const sock = connect({ host, port, noDelay: true });
  sock.setTimeout(timeoutMs, () => sock.destroy(Object.assign(new Error('SFTP connection timed out'), { code: 'ETIMEDOUT' })));
  try {
    await once(sock, 'connect');
  } finally {
    sock.setTimeout(0);
  }
  return sock;
}

export async function openSftp(target: SftpTarget): Promise<SftpSession> {
  const loc = parseSftpUrl(target.url);
  if (!target.privateKey && loc.password === undefined) throw new ConfigError('SFTP_URL needs a password, or set SFTP_PRIVATE_KEY');
  // The library's default listeners print to the console; failures reach us through its promises.
  const client = new SftpClient('print-house', { error: () => {}, end: () => {}, close: () => {} });
  const expected = target.hostKeyFingerprint;
  const timeoutMs = target.readyTimeoutMs ?? 10_000;
  const sftp: SFTPWrapper = await client.connect({
    sock: await tcpConnect(loc.host, loc.port, timeoutMs),
    username: loc.username,
    ...(target.privateKey ? { privateKey: target.privateKey } : { password: loc.password }),
    readyTimeout: timeoutMs,
    ...(expected ? { hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === expected } : {}),
  });
  const concurrency = target.uploadConcurrency ?? 16;

  // ssh2's own writeFile on the session: ssh2-sftp-client's put() adds listeners per call, which
  // caps how many writes can be in flight, and a batch is many small files.
  const writeFile = (remotePath: string, data: Buffer): Promise<void> =>
    new Promise((resolve, reject) => sftp.writeFile(remotePath, data, (err) => (err ? reject(err) : resolve())));

  return {
    client,
    dir: loc.dir,
    async writeFiles(files) {
      let next = 0;
      let failed = false;
      const worker = async (): Promise<void> => {
        try {
          for (let file = files[next++]; file && !failed; file = files[next++]) await writeFile(file.path, file.data);
        } catch (err) {
          // The batch is uploaded again whole: no point writing the rest of this one.
          failed = true;
          throw err;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
    },
    async putAtomically(data, remotePath) {
      const temporary = path.posix.join(path.posix.dirname(remotePath), `.${path.posix.basename(remotePath)}.part`);
      await writeFile(temporary, data);
      // SFTP v3 rename never replaces a file: a retried batch removes the old one first.
      if (await client.exists(remotePath)) await client.delete(remotePath);
      await client.rename(temporary, remotePath);
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}
