// The real twilio-node client (its resources, parameter names, paging and error types), with a
// small HTTP transport of our own underneath: it sends each request to `apiUrl` (Twilio's own, or
// a local stand-in) over a keep-alive pool. twilio-node's default transport goes through axios,
// which cost about half of a dispatch worker's CPU per SMS in bench/pipeline.
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export type TwilioClient = twilio.Twilio;

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com for the real service, or e.g. http://127.0.0.1:4010 for the stand-in. */
  apiUrl: string;
  /** Request timeout in milliseconds (default 10,000). */
  timeoutMs?: number;
  /** Sockets per host (default 64). */
  maxSockets?: number;
}

function isTwilioHost(hostname: string): boolean {
  return hostname === 'twilio.com' || hostname.endsWith('.twilio.com');
}

/** Rewrites https://<anything>.twilio.com/<path> to <apiUrl>/<path>; keeps path and query. */
export function rebaseTwilioUrl(uri: string, apiUrl: URL): string {
  const target = new URL(uri);
  if (!isTwilioHost(target.hostname)) return uri;
  const prefix = apiUrl.pathname.replace(/\/+$/, '');
  return `${apiUrl.origin}${prefix}${target.pathname}${target.search}`;
}

/** twilio-node's parameter encoding: form/query pairs, arrays as repeated keys, undefined left out. */
function encode(values: object | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(key, item instanceof Date ? item.toISOString() : String(item));
  }
  return out;
}

/** What twilio's own transport resolves with: `{ statusCode, body, headers }`. */
type TwilioResponse<TData> = Awaited<ReturnType<typeof twilio.RequestClient.prototype.request<TData>>>;

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

/**
 * Subclasses twilio's RequestClient because the client's typings want one, but replaces its
 * `request` entirely: same inputs, same `{statusCode, body, headers}` answer, no axios.
 */
class TwilioTransport extends twilio.RequestClient {
  readonly #apiUrl: URL | null;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #timeoutMs: number;

  constructor(apiUrl: URL | null, timeoutMs: number, maxSockets: number) {
    super({ timeout: timeoutMs, keepAlive: true, autoRetry: false });
    this.#apiUrl = apiUrl;
    this.#timeoutMs = timeoutMs;
    const pool = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: timeoutMs };
    this.#agents = { http: new http.Agent(pool), https: new https.Agent(pool) };
  }

  // The body is handed over as the raw JSON text, as twilio's own transport does: twilio-node
  // parses string bodies itself (Version.parseResponse), so `TData` is only nominal here.
  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const url = new URL(this.#apiUrl ? rebaseTwilioUrl(opts.uri, this.#apiUrl) : opts.uri);
    for (const [key, value] of encode(opts.params as object | undefined)) url.searchParams.append(key, value);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined), Connection: 'keep-alive' };
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    let payload: string | undefined;
    if (opts.data !== undefined) {
      payload = headers['Content-Type'] === 'application/json' ? JSON.stringify(opts.data) : encode(opts.data as object).toString();
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const secure = url.protocol === 'https:';
    const send = secure ? https.request : http.request;
    const timeoutMs = opts.timeout ?? this.#timeoutMs;
    return new Promise<TwilioResponse<TData>>((resolve, reject) => {
      const req = send(url, { method: opts.method.toUpperCase(), headers, agent: secure ? this.#agents.https : this.#agents.http }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') as unknown as TData, headers: res.headers }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  const apiUrl = new URL(opts.apiUrl);
  const rebase = isTwilioHost(apiUrl.hostname) ? null : apiUrl;
  const httpClient = new TwilioTransport(rebase, opts.timeoutMs ?? 10_000, opts.maxSockets ?? 64);
  // Retries belong to the dispatch queue, with backoff and reconciliation, not to the client.
  return twilio(opts.accountSid, opts.authToken, { httpClient, autoRetry: false });
}
