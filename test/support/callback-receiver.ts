import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Stands in for our status-callback endpoint in adapter tests: records what Twilio (the stand-in)
// posts, signed, and lets a test await a given status for a message id.

export interface Callback {
  url: string;
  signature: string;
  params: Record<string, string>;
}

export async function startCallbackReceiver() {
  const received: Callback[] = [];
  const waiters: Array<{ match: (c: Callback) => boolean; resolve: (c: Callback) => void }> = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const cb: Callback = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? '/'}`,
        signature: String(req.headers['x-twilio-signature'] ?? ''),
        params: Object.fromEntries(new URLSearchParams(raw)),
      };
      received.push(cb);
      res.writeHead(204).end();
      for (let i = waiters.length - 1; i >= 0; i--) {
        const w = waiters[i];
        if (w?.match(cb)) {
          waiters.splice(i, 1);
          w.resolve(cb);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    urlFor: (messageId: string) => `http://127.0.0.1:${port}/v1/providers/twilio/status/${messageId}`,
    received,
    waitFor(messageId: string, status: string): Promise<Callback> {
      const match = (c: Callback) => c.url.endsWith(`/${messageId}`) && c.params.MessageStatus === status;
      const already = received.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
