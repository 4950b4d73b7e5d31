// The print house behind the SFTP stand-in, for demos and tests: when a batch's manifest appears
// it "prints" the letters and later "posts" them, writing acknowledgement files in the format
// src/channels/letter/print-acks.ts reads (`message_id,status,at`):
//   <dir>/ack/<batchId>.csv         every letter printed
//   <dir>/ack/<batchId>.posted.csv  every letter posted (and, if asked, returned to sender)
// Files are written under a dot name and renamed, as a real print house should, so a half-written
// acknowledgement is never read.
import type { EventEmitter } from 'node:events';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface PrintHouseSimOptions {
  /** From the manifest to the "printed" acknowledgement (default 50 ms). */
  printDelayMs?: number;
  /** From "printed" to "posted" (default 50 ms). */
  postDelayMs?: number;
  /** Letters that come back to sender after posting. */
  returned?: (messageId: string) => boolean;
}

interface SimEvents {
  manifest: [{ dir: string; batchId: string }];
  ack: [string];
}

/** Reads the message ids of a manifest.json (see print-batch.ts for its format). */
function messageIds(text: string): string[] {
  const manifest: unknown = JSON.parse(text);
  const letters = (manifest as { letters?: unknown }).letters;
  if (!Array.isArray(letters)) throw new Error('manifest without letters');
  return letters.map((l: unknown) => String((l as { messageId?: unknown }).messageId));
}

export function startPrintHouseSim(opts: PrintHouseSimOptions & { events: EventEmitter<SimEvents>; real(p: string): string }): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const later = (ms: number, work: () => Promise<void>): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) void work().catch(() => {});
    }, ms);
    timers.add(t);
  };

  async function writeAck(dir: string, name: string, rows: string[]): Promise<void> {
    const ackDir = opts.real(path.posix.join(dir, 'ack'));
    await mkdir(ackDir, { recursive: true });
    await writeFile(path.join(ackDir, `.${name}.tmp`), ['message_id,status,at', ...rows, ''].join('\n'));
    await rename(path.join(ackDir, `.${name}.tmp`), path.join(ackDir, name));
    opts.events.emit('ack', path.posix.join(dir, 'ack', name));
  }

  opts.events.on('manifest', ({ dir, batchId }) => {
    later(opts.printDelayMs ?? 50, async () => {
      const ids = messageIds(await readFile(opts.real(path.posix.join(dir, batchId, 'manifest.json')), 'utf8'));
      const printedAt = new Date().toISOString();
      await writeAck(dir, `${batchId}.csv`, ids.map((id) => `${id},printed,${printedAt}`));
      later(opts.postDelayMs ?? 50, async () => {
        const postedAt = new Date().toISOString();
        const rows = ids.map((id) => `${id},posted,${postedAt}`);
        for (const id of ids.filter((i) => opts.returned?.(i))) rows.push(`${id},returned,${postedAt}`);
        await writeAck(dir, `${batchId}.posted.csv`, rows);
      });
    });
  });

  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
