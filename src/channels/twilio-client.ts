// The real twilio-node client, pointed at Twilio or at a local stand-in.
// twilio-node builds absolute https://*.twilio.com URLs (also for next-page links), so a small
// RequestClient subclass rewrites their origin to `apiUrl` when apiUrl is not Twilio's own.
import http from 'node:http';
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

class RebasingRequestClient extends twilio.RequestClient {
  readonly #apiUrl: URL | null;

  constructor(apiUrl: URL | null, options: RequestClient.RequestClientOptions) {
    super(options);
    this.#apiUrl = apiUrl;
    // RequestClient only configures an https agent; plain-http targets (the stand-in) would
    // otherwise fall back to Node's global agent. Give them their own keep-alive pool.
    this.axios.defaults.httpAgent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      maxFreeSockets: options.maxFreeSockets ?? 64,
      timeout: options.timeout,
    });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const apiUrl = this.#apiUrl;
    return super.request<TData>(apiUrl === null ? opts : { ...opts, uri: rebaseTwilioUrl(opts.uri, apiUrl) });
  }
}

export function createTwilioClient(opts: TwilioClientOptions): TwilioClient {
  const apiUrl = new URL(opts.apiUrl);
  const rebase = isTwilioHost(apiUrl.hostname) ? null : apiUrl;
  const maxSockets = opts.maxSockets ?? 64;
  const httpClient = new RebasingRequestClient(rebase, {
    timeout: opts.timeoutMs ?? 10_000,
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    maxTotalSockets: Math.max(100, maxSockets),
    autoRetry: false, // retries belong to the dispatch queue, with backoff and idempotency
  });
  return twilio(opts.accountSid, opts.authToken, { httpClient, autoRetry: false });
}
