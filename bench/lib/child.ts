import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

// Parent side of the small IPC protocol the bench servers speak:
//   child → parent  { type: 'ready', port }
//   parent → child  { type: 'stats' }  →  child → parent  { type: 'stats', rssBytes, stored }
//   parent → child  { type: 'stop' }   →  child closes its app and connections, then exits

export interface ChildStats {
  rssBytes: number;
  /** Rows the server says it inserted (its own count, not the client's). */
  stored: number;
}

export type ChildMessage = { type: 'ready'; port: number } | ({ type: 'stats' } & ChildStats);

export interface BenchChild {
  port: number;
  pid: number;
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

export async function startChild(file: string, env: Record<string, string>, execArgv: string[] = []): Promise<BenchChild> {
  // stdout is ignored (a server's own logs must not block on a full pipe); stderr shows crashes.
  const child: ChildProcess = fork(file, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not become ready in 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
  });
  return {
    port,
    pid: child.pid!,
    stats: () =>
      new Promise<ChildStats>((resolve) => {
        const onMessage = (m: ChildMessage): void => {
          if (m.type !== 'stats') return;
          child.off('message', onMessage);
          resolve({ rssBytes: m.rssBytes, stored: m.stored });
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'stop' });
      // A graceful exit lets --cpu-prof write its profile; a stuck child is killed, by its pid only.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: answers the parent's messages. */
export function serveParent(port: number, stats: () => Promise<ChildStats>, stop: () => Promise<void>): void {
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') void stats().then((s) => process.send!({ type: 'stats', ...s }));
    if (m.type === 'stop') void stop().finally(() => process.exit(0));
  });
  // The parent dying (Ctrl-C, crash) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port });
}
