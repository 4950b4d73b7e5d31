// A local stand-in for a print house's SFTP server: ssh2's Server with the SFTP subsystem, serving
// a real directory, so tests read back exactly what was uploaded. It speaks SFTP v3 as OpenSSH
// does for what ssh2-sftp-client uses (realpath, stat/lstat/fstat, opendir/readdir, mkdir/rmdir,
// open/read/write/close, rename without overwrite, remove). Optionally it acts as the print house
// (scripts/standins/print-house-sim.ts). It never logs: file names are message ids, contents are letters.
import { EventEmitter } from 'node:events';
import { constants as fsc, type Stats } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createHash, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, AuthContext, Connection, FileEntry, ParsedKey, SFTPWrapper } from 'ssh2';
import { startPrintHouseSim, type PrintHouseSimOptions } from './print-house-sim.ts';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

export interface SftpStandinOptions {
  /** 0 = a random free port. */
  port?: number;
  host?: string;
  /** The directory served as `/`; when absent, a new temporary directory, removed on close. */
  root?: string;
  user?: string;
  password?: string;
  /** Public keys (OpenSSH `ssh-rsa AAAA…` lines or PEM) accepted for the user, besides the password. */
  authorizedKeys?: readonly string[];
  /** The directory of the URL handed out, created under the root (default `inbox`). */
  dir?: string;
  /** Act as the print house: acknowledge every batch whose manifest appears. */
  printHouse?: PrintHouseSimOptions | boolean;
}

export interface SftpStandinEvents {
  /** A batch's manifest.json was renamed into place: `{ dir, batchId }` (virtual paths). */
  manifest: [{ dir: string; batchId: string }];
  /** The simulated print house wrote an acknowledgement file (virtual path). */
  ack: [string];
}

export interface SftpStandin {
  /** `sftp://user:password@127.0.0.1:port/inbox` */
  url: string;
  root: string;
  port: number;
  /** OpenSSH style `SHA256:…` of the host key, for host key verification. */
  hostKeyFingerprint: string;
  events: EventEmitter<SftpStandinEvents>;
  /** Lets `n` more files be opened for writing, then refuses (permission denied); null lifts the limit. */
  refuseWritesAfter(n: number | null): void;
  stats: { connections: number; filesWritten: number; bytesWritten: number };
  close(): Promise<void>;
}

type Handle = { kind: 'file'; fh: FileHandle; writing: boolean } | { kind: 'dir'; entries: FileEntry[] | null };

const errno = (err: unknown): string | undefined => (err as { code?: string }).code;

function statusOf(err: unknown): number {
  switch (errno(err)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

function attrsOf(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

/** `ls -l` style: ssh2-sftp-client reads the type and the rights from it. */
function longname(name: string, s: Stats): string {
  const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  const rights = [6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => (s.mode >> shift) & (4 >> i) ? c : '-').join('')).join('');
  return `${type}${rights} 1 ${s.uid} ${s.gid} ${s.size} ${new Date(s.mtimeMs).toISOString().slice(0, 16)} ${name}`;
}

const equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

function parseKeyOrThrow(text: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error('sftp-standin: an authorized key could not be parsed');
  return key;
}

export async function startSftpStandin(opts: SftpStandinOptions = {}): Promise<SftpStandin> {
  const ownRoot = opts.root === undefined;
  const root = path.resolve(opts.root ?? (await mkdtemp(path.join(tmpdir(), 'sftp-standin-'))));
  const user = Buffer.from(opts.user ?? 'printhouse');
  const password = Buffer.from(opts.password ?? 'printhouse');
  const dir = `/${(opts.dir ?? 'inbox').replace(/^\/+|\/+$/g, '')}`;
  await mkdir(path.join(root, dir), { recursive: true });
  const authorized = (opts.authorizedKeys ?? []).map(parseKeyOrThrow);
  const hostKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const hostPublic = parseKeyOrThrow(hostKey).getPublicSSH();
  const events = new EventEmitter<SftpStandinEvents>();
  const stats = { connections: 0, filesWritten: 0, bytesWritten: 0 };
  let writesLeft: number | null = null;
  const clients = new Set<Connection>();

  /** Virtual absolute path → real path under the root; `..` never leaves the root. */
  const real = (p: string): string => path.join(root, path.posix.normalize(`/${p}`));
  const virtual = (p: string): string => path.posix.normalize(`/${p}`);

  function authenticate(ctx: AuthContext): void {
    if (!equal(Buffer.from(ctx.username), user)) return ctx.reject();
    if (ctx.method === 'password') return equal(Buffer.from(ctx.password), password) ? ctx.accept() : ctx.reject();
    if (ctx.method === 'publickey') {
      const key = authorized.find((k) => k.type === ctx.key.algo && equal(k.getPublicSSH(), ctx.key.data));
      // Without a signature the client only asks whether the key would do; with one, it proves it holds it.
      if (!key || (ctx.signature && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)) return ctx.reject();
      return ctx.accept();
    }
    ctx.reject(authorized.length ? ['password', 'publickey'] : ['password']);
  }

  function serve(sftp: SFTPWrapper): void {
    const handles = new Map<number, Handle>();
    let nextHandle = 1;
    const newHandle = (h: Handle): Buffer => {
      const id = nextHandle++;
      handles.set(id, h);
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(id);
      return buf;
    };
    const handleOf = (buf: Buffer): [number, Handle | undefined] => {
      const id = buf.length === 4 ? buf.readUInt32BE(0) : -1;
      return [id, handles.get(id)];
    };
    // Every request answers exactly once: a failure becomes the SFTP status closest to its errno.
    const run = (reqId: number, work: () => Promise<void>): void => {
      work().catch((err: unknown) => sftp.status(reqId, statusOf(err)));
    };
    const ok = (reqId: number) => sftp.status(reqId, STATUS_CODE.OK);

    sftp.on('REALPATH', (reqId, p) => {
      const v = virtual(p);
      sftp.name(reqId, [{ filename: v, longname: v, attrs: {} as Attributes }]);
    });
    sftp.on('STAT', (reqId, p) => run(reqId, async () => sftp.attrs(reqId, attrsOf(await stat(real(p))))));
    sftp.on('LSTAT', (reqId, p) => run(reqId, async () => sftp.attrs(reqId, attrsOf(await lstat(real(p))))));
    sftp.on('FSTAT', (reqId, h) => run(reqId, async () => {
      const [, handle] = handleOf(h);
      if (handle?.kind !== 'file') return void sftp.status(reqId, STATUS_CODE.FAILURE);
      sftp.attrs(reqId, attrsOf(await handle.fh.stat()));
    }));
    sftp.on('SETSTAT', (reqId) => ok(reqId));
    sftp.on('FSETSTAT', (reqId) => ok(reqId));
    sftp.on('OPENDIR', (reqId, p) => run(reqId, async () => {
      const where = real(p);
      if (!(await stat(where)).isDirectory()) return void sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE);
      const names = await readdir(where);
      const entries = await Promise.all(names.map(async (name) => {
        const s = await lstat(path.join(where, name));
        return { filename: name, longname: longname(name, s), attrs: attrsOf(s) };
      }));
      sftp.handle(reqId, newHandle({ kind: 'dir', entries }));
    }));
    sftp.on('READDIR', (reqId, h) => {
      const [, handle] = handleOf(h);
      if (handle?.kind !== 'dir') return sftp.status(reqId, STATUS_CODE.FAILURE);
      if (!handle.entries) return sftp.status(reqId, STATUS_CODE.EOF);
      sftp.name(reqId, handle.entries);
      handle.entries = null;
    });
    sftp.on('MKDIR', (reqId, p) => run(reqId, async () => {
      await mkdir(real(p));
      ok(reqId);
    }));
    sftp.on('RMDIR', (reqId, p) => run(reqId, async () => {
      await rmdir(real(p));
      ok(reqId);
    }));
    sftp.on('REMOVE', (reqId, p) => run(reqId, async () => {
      await unlink(real(p));
      ok(reqId);
    }));
    sftp.on('RENAME', (reqId, from, to) => run(reqId, async () => {
      // SFTP v3 (and OpenSSH without the posix-rename extension): never overwrite.
      const exists = await lstat(real(to)).then(() => true, (err: unknown) => (errno(err) === 'ENOENT' ? false : Promise.reject(err)));
      if (exists) return void sftp.status(reqId, STATUS_CODE.FAILURE);
      await rename(real(from), real(to));
      ok(reqId);
      const v = virtual(to);
      if (path.posix.basename(v) === 'manifest.json') {
        events.emit('manifest', { dir: path.posix.dirname(path.posix.dirname(v)), batchId: path.posix.basename(path.posix.dirname(v)) });
      }
    }));
    sftp.on('OPEN', (reqId, p, flags, attrs) => run(reqId, async () => {
      const writing = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
      if (writing && writesLeft !== null && writesLeft-- <= 0) return void sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED);
      let mode = (flags & OPEN_MODE.READ && writing) ? fsc.O_RDWR : writing ? fsc.O_WRONLY : fsc.O_RDONLY;
      if (flags & OPEN_MODE.CREAT) mode |= fsc.O_CREAT;
      if (flags & OPEN_MODE.TRUNC) mode |= fsc.O_TRUNC;
      if (flags & OPEN_MODE.EXCL) mode |= fsc.O_EXCL;
      if (flags & OPEN_MODE.APPEND) mode |= fsc.O_APPEND;
      const fh = await open(real(p), mode, typeof attrs.mode === 'number' ? attrs.mode & 0o777 : 0o644);
      if (writing) stats.filesWritten++;
      sftp.handle(reqId, newHandle({ kind: 'file', fh, writing }));
    }));
    sftp.on('READ', (reqId, h, offset, length) => run(reqId, async () => {
      const [, handle] = handleOf(h);
      if (handle?.kind !== 'file') return void sftp.status(reqId, STATUS_CODE.FAILURE);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.fh.read(buf, 0, length, offset);
      if (bytesRead === 0) return void sftp.status(reqId, STATUS_CODE.EOF);
      sftp.data(reqId, buf.subarray(0, bytesRead));
    }));
    sftp.on('WRITE', (reqId, h, offset, data) => run(reqId, async () => {
      const [, handle] = handleOf(h);
      if (handle?.kind !== 'file') return void sftp.status(reqId, STATUS_CODE.FAILURE);
      await handle.fh.write(data, 0, data.length, offset);
      stats.bytesWritten += data.length;
      ok(reqId);
    }));
    sftp.on('CLOSE', (reqId, h) => run(reqId, async () => {
      const [id, handle] = handleOf(h);
      if (!handle) return void sftp.status(reqId, STATUS_CODE.FAILURE);
      handles.delete(id);
      if (handle.kind === 'file') await handle.fh.close();
      ok(reqId);
    }));
    for (const unsupported of ['READLINK', 'SYMLINK', 'EXTENDED'] as const) {
      sftp.on(unsupported, (reqId: number) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED));
    }
    // A dropped connection leaves no open descriptors behind.
    sftp.on('close', () => {
      for (const h of handles.values()) if (h.kind === 'file') void h.fh.close().catch(() => {});
      handles.clear();
    });
  }

  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    stats.connections++;
    clients.add(client);
    // SFTP is request and answer: with Nagle's algorithm each small answer waits for a delayed ACK.
    // (ssh2's server connection has setNoDelay, as its client does; @types/ssh2 lists it on the client only.)
    (client as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    client.on('authentication', authenticate);
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serve(acceptSftp()));
      });
    });
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const sim = opts.printHouse ? startPrintHouseSim({ events, real, ...(opts.printHouse === true ? {} : opts.printHouse) }) : null;

  return {
    url: `sftp://${encodeURIComponent(user.toString())}:${encodeURIComponent(password.toString())}@127.0.0.1:${port}${dir}`,
    root,
    port,
    hostKeyFingerprint: `SHA256:${createHash('sha256').update(hostPublic).digest('base64').replace(/=+$/, '')}`,
    events,
    refuseWritesAfter(n) {
      writesLeft = n;
    },
    stats,
    async close() {
      sim?.stop();
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // A directory the stand-in made for itself goes with it; one it was given stays.
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}
