import autocannon, { type Result } from 'autocannon';

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  /** Called once per request: every request on the wire is a distinct one. */
  nextRequest: () => { body: string; headers: Record<string, string> };
}

export function load(opts: LoadOptions): Promise<Result> {
  return autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: 'POST',
        path: opts.path,
        // autocannon rebuilds the request before each send when setupRequest is a function.
        setupRequest: (req) => {
          const { body, headers } = opts.nextRequest();
          return { ...req, body, headers: { 'content-type': 'application/json', ...headers } };
        },
      },
    ],
  });
}

export const non2xxCodes = (r: Result): string =>
  Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
