// A local stand-in for Twilio's Messages REST API (2010-04-01), fast enough for benchmarks.
// It answers the way Twilio does (resource and error shapes, Basic auth, list filters, paging)
// and posts signed status callbacks. Magic recipient numbers (the last 7 digits) drive tests:
//   …0000001 → 400 code 21211 (invalid 'To')
//   …0000002 → 400 code 21610 (unsubscribed recipient)
//   …0000003 → 500 code 20500 the first time that number is seen, accepted afterwards
//   …0000004 → accepted; the callbacks then say "sent", then "undelivered" with ErrorCode 30003
//   …0000005 → 429 code 20429 the first time that number is seen, accepted afterwards
// WhatsApp (To `whatsapp:+…`): free-form `Body` or a Content template (`ContentSid` with optional
// `ContentVariables`, no Body); statuses go queued → sent → delivered → read. Recipients whose last
// 7 digits are 00 or 01 followed by a WhatsApp error code (WHATSAPP_ERRORS) answer with it:
//   …0063016 → 400 code 63016 to free-form text (the number's 24-hour window is closed); templates go
//   …0063018 → 429 code 63018 the first time that number is seen, accepted afterwards
//   …00<code> → 400 <code> (63003 not on WhatsApp, 63024 invalid recipient, 63014 blocked, …)
//   …01<code> → accepted; the callbacks then say "queued", then "failed" with that ErrorCode (the
//               way Meta's refusals usually reach Twilio's customers)
// It never logs: numbers and bodies stay out of output.
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface TwilioStandinOptions {
  /** 0 = a random free port. */
  port?: number;
  host?: string;
  accountSid: string;
  authToken: string;
  /** Post status callbacks to each message's StatusCallback URL (default true). Statuses advance either way. */
  callbacks?: boolean;
  /** Delay before each status step ("sent", then "delivered"); default 10 ms. */
  callbackDelayMs?: number;
  /** Callbacks in flight at most (default 32). */
  callbackConcurrency?: number;
  /** Oldest messages are forgotten beyond this many (default 500,000). Counting keys are kept regardless. */
  maxStoredMessages?: number;
  /**
   * Approved WhatsApp Content templates: ContentSid → text with {{1}}, {{2}}… placeholders. When
   * set, an unknown ContentSid is refused (21655) and a template message's body is its filled-in
   * text, as Twilio stores it; when not, any well-formed ContentSid goes and the body stays empty.
   */
  contentTemplates?: Readonly<Record<string, string>>;
}

export interface StandinStats {
  /** 201 answers to message creation. */
  accepted: number;
  /** Distinct message keys (last path segment of StatusCallback) accepted at least once. */
  uniqueMessages: number;
  /** Message keys accepted more than once. */
  duplicates: number;
  /** The first 20 duplicated keys. */
  duplicateKeys: string[];
  callbacksSent: number;
  callbacksFailed: number;
  /** Status steps not yet taken plus callbacks queued or in flight (0 = settled). */
  callbacksPending: number;
  /** Creation requests answered with an error (4xx/5xx). */
  rejected: number;
  /** TCP connections accepted by the API server (keep-alive makes this small). */
  connections: number;
  /** Accepted WhatsApp messages by kind: free-form `Body`, or a Content template. */
  whatsapp: { freeForm: number; template: number };
}

export type StandinMessageStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'read' | 'failed';

export interface StandinMessage {
  readonly sid: string;
  readonly to: string;
  from: string | null;
  /** What the resource shows: the Body sent, or a template's filled-in text ('' when unknown). */
  readonly body: string;
  readonly channel: 'sms' | 'whatsapp';
  /** WhatsApp: free-form text (`Body`) or an approved Content template (`ContentSid`). */
  readonly kind: 'free-form' | 'template';
  /** The `Body` parameter as the request carried it; null when it had none. */
  readonly bodyParam: string | null;
  readonly contentSid: string | null;
  /** `ContentVariables`, parsed. */
  readonly contentVariables: Readonly<Record<string, string>> | null;
  /** WhatsApp `…01<code>` recipients: the ErrorCode the message fails with after being accepted. */
  readonly failWith: number | null;
  readonly messagingServiceSid: string | null;
  readonly statusCallback: string | null;
  readonly numSegments: number;
  status: StandinMessageStatus;
  /** Epoch milliseconds. */
  readonly dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  errorCode: number | null;
}

export interface TwilioStandin {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  stats(): StandinStats;
  /** Stored messages, oldest first. */
  messages(): StandinMessage[];
  reset(): void;
  /** Resolves once every accepted message reached its final status and its callbacks are done. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const API_PREFIX = '/2010-04-01/Accounts/';
const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY_BYTES = 64 * 1024;
const POOL_SENDER = '+15005550006';
// GSM 03.38 basic set (1 septet) and extension set (2 septets).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXT = new Set('\f^{}\\[~]|€');

const ERROR_TEXT: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  21602: 'Message body is required.',
  21603: "A 'From' phone number is required.",
  21604: "A 'To' phone number is required.",
  21610: 'Attempt to send to unsubscribed recipient',
  21617: 'The concatenated message body exceeds the 1600 character limit.',
  21619: 'A text message body, media URL or Content SID is required.',
  21654: 'ContentSid Required',
  21655: 'The ContentSid is Invalid',
  21656: 'The ContentVariables Parameter is invalid',
  30003: 'Unreachable destination handset',
  63003: 'Channel could not find To address',
  63007: "Twilio could not find a Channel with the specified 'From' address",
  63014: 'Channel message blocked by user action',
  63016: 'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  63018: 'Rate limit exceeded for Channel',
  63024: 'Invalid message recipient',
  63032: "User's number is part of an experiment",
  63049: 'Meta chose not to deliver this WhatsApp marketing message',
};

/** WhatsApp error codes a magic recipient (`…00<code>`, `…01<code>`) can answer with, and the HTTP status of a refusal. */
const WHATSAPP_ERRORS: ReadonlyMap<number, number> = new Map([
  [63003, 400],
  [63014, 400],
  [63016, 400],
  [63018, 429],
  [63024, 400],
  [63032, 400],
  [63049, 400],
]);
const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

/** The WhatsApp error a magic recipient answers with: `…00<code>` at once, `…01<code>` after acceptance. */
function whatsappMagic(number: string): { code: number; at: 'request' | 'callback' } | null {
  const tail = number.slice(-7);
  const code = Number(tail.slice(2));
  if (!WHATSAPP_ERRORS.has(code)) return null;
  if (tail.startsWith('00')) return { code, at: 'request' };
  if (tail.startsWith('01')) return { code, at: 'callback' };
  return null;
}

/** ContentVariables: a JSON object of non-empty strings (Twilio refuses null and empty values). */
function parseContentVariables(raw: string): Record<string, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' || v === '') return null;
    out[key] = v;
  }
  return out;
}

/** A template's text with its variables filled in; null when a placeholder has no value. */
function fillTemplate(text: string, variables: Readonly<Record<string, string>>): string | null {
  let missing = false;
  const filled = text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_whole, key: string) => {
    const value = Object.hasOwn(variables, key) ? variables[key] : undefined;
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? null : filled;
}

export function countSegments(body: string): number {
  let gsm = true;
  let septets = 0;
  for (const ch of body) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXT.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** Twilio's RFC 2822 dates: "Thu, 30 Jul 2015 20:12:31 +0000". Cached per second. */
let rfcSecond = -1;
let rfcText = '';
function rfc2822(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === rfcSecond) return rfcText;
  const text = new Date(second * 1000).toUTCString().replace('GMT', '+0000');
  rfcSecond = second;
  rfcText = text;
  return text;
}

/** The message key: the last path segment of the StatusCallback URL (our message id). */
function messageKey(callbackUrl: string): string {
  let end = callbackUrl.length;
  const q = callbackUrl.indexOf('?');
  if (q >= 0) end = q;
  const h = callbackUrl.indexOf('#');
  if (h >= 0 && h < end) end = h;
  while (end > 0 && callbackUrl.charCodeAt(end - 1) === 47 /* / */) end--;
  const start = callbackUrl.lastIndexOf('/', end - 1) + 1;
  return callbackUrl.slice(start, end);
}

/** A DateSent filter value: YYYY-MM-DD (whole UTC day) or an instant. */
function parseDateFilter(value: string): { start: number; end: number; dateOnly: boolean } | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(value + 'T00:00:00Z');
    return Number.isNaN(start) ? null : { start, end: start + 86_400_000, dateOnly: true };
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : { start: at, end: at, dateOnly: false };
}

/** The statuses a message moves through after it is accepted. */
type StepStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'read' | 'failed';

interface CallbackJob {
  gen: number;
  url: string;
  params: Record<string, string>;
  then: (() => void) | null;
}

export async function startTwilioStandin(opts: TwilioStandinOptions): Promise<TwilioStandin> {
  const accountSid = opts.accountSid;
  const authToken = opts.authToken;
  const host = opts.host ?? '127.0.0.1';
  const callbacksOn = opts.callbacks ?? true;
  const stepDelay = opts.callbackDelayMs ?? 10;
  const concurrency = opts.callbackConcurrency ?? 32;
  const maxStored = opts.maxStoredMessages ?? 500_000;
  const expectedAuth = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  const accountPath = API_PREFIX + accountSid;
  const sidPrefix = randomBytes(8).toString('hex');
  let sidCounter = 0;

  // State (cleared by reset). `gen` lets late timers and callbacks from before a reset be ignored.
  let gen = 0;
  let closed = false;
  const byKey = new Map<string, number>();
  let duplicates = 0;
  let duplicateKeys: string[] = [];
  const bySid = new Map<string, StandinMessage>();
  const byTo = new Map<string, StandinMessage[]>();
  const firstFailureSeen = new Set<string>();
  let accepted = 0;
  let rejected = 0;
  let callbacksSent = 0;
  let callbacksFailed = 0;
  let connections = 0;
  let whatsappFreeForm = 0;
  let whatsappTemplate = 0;
  const contentTemplates = opts.contentTemplates === undefined ? null : new Map(Object.entries(opts.contentTemplates));

  // ---- status progression and callbacks -------------------------------------------------------
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
  const queue: Array<CallbackJob | undefined> = [];
  let head = 0;
  let inFlight = 0;
  let pendingSteps = 0;
  let settledWaiters: Array<() => void> = [];

  const pending = () => pendingSteps + (queue.length - head) + inFlight;
  function checkSettled(): void {
    if (settledWaiters.length === 0 || pending() > 0) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function later(fn: () => void): void {
    const g = gen;
    pendingSteps++;
    const run = () => {
      if (closed || g !== gen) return;
      pendingSteps--;
      fn();
      checkSettled();
    };
    if (stepDelay > 0) setTimeout(run, stepDelay).unref();
    else setImmediate(run);
  }

  /** SMS: sent → delivered (or undelivered); WhatsApp: queued → sent → delivered → read (or failed). */
  function nextStatus(msg: StandinMessage, status: StepStatus): StepStatus | null {
    if (status === 'queued') return msg.failWith !== null ? 'failed' : 'sent';
    if (status === 'sent') return msg.to.endsWith('0000004') ? 'undelivered' : 'delivered';
    if (status === 'delivered' && msg.channel === 'whatsapp') return 'read';
    return null;
  }

  function advance(msg: StandinMessage, status: StepStatus): void {
    const now = Date.now();
    msg.status = status;
    msg.dateUpdated = now;
    if (status === 'sent') {
      msg.dateSent = now;
      if (msg.from === null) msg.from = msg.channel === 'whatsapp' ? `whatsapp:${POOL_SENDER}` : POOL_SENDER;
    }
    if (status === 'undelivered') msg.errorCode = 30003;
    if (status === 'failed') msg.errorCode = msg.failWith;
    const following = nextStatus(msg, status);
    const afterStep = following === null ? null : () => later(() => advance(msg, following));
    if (!callbacksOn || msg.statusCallback === null) {
      afterStep?.();
      return;
    }
    const params: Record<string, string> = {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      From: msg.from ?? POOL_SENDER,
      MessageSid: msg.sid,
      MessageStatus: status,
      SmsSid: msg.sid,
      SmsStatus: status,
      To: msg.to,
    };
    if (msg.messagingServiceSid !== null) params.MessagingServiceSid = msg.messagingServiceSid;
    if (msg.channel === 'whatsapp') params.ChannelPrefix = 'whatsapp';
    if (msg.errorCode !== null) params.ErrorCode = String(msg.errorCode);
    queue.push({ gen, url: msg.statusCallback, params, then: afterStep });
    pump();
  }

  function pump(): void {
    while (inFlight < concurrency && head < queue.length) {
      const job = queue[head];
      queue[head++] = undefined;
      if (head >= 4096 && head * 2 >= queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      if (job === undefined || closed || job.gen !== gen) continue;
      inFlight++;
      postCallback(job);
    }
  }

  function postCallback(job: CallbackJob): void {
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      inFlight--;
      if (job.gen === gen) {
        if (ok) callbacksSent++;
        else callbacksFailed++;
        job.then?.();
      }
      pump();
      checkSettled();
    };
    let target: URL;
    try {
      target = new URL(job.url);
    } catch {
      done(false);
      return;
    }
    const payload = new URLSearchParams(job.params).toString();
    const secure = target.protocol === 'https:';
    const req = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        timeout: 10_000,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(payload),
          'user-agent': 'TwilioProxy/1.1',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, job.url, job.params),
        },
      },
      (res) => {
        const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
        res.on('error', () => done(false));
        res.on('end', () => done(ok));
        res.resume();
      },
    );
    req.on('timeout', () => req.destroy(new Error('callback timeout')));
    req.on('error', () => done(false));
    req.end(payload);
  }

  // ---- HTTP answers -------------------------------------------------------------------------------
  function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function sendError(res: http.ServerResponse, status: number, code: number, message?: string): void {
    sendJson(res, status, {
      code,
      message: message ?? ERROR_TEXT[code] ?? 'Error',
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });
  }

  function resource(m: StandinMessage): Record<string, unknown> {
    const uri = `${accountPath}/Messages/${m.sid}`;
    return {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: rfc2822(m.dateCreated),
      date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
      date_updated: rfc2822(m.dateUpdated),
      direction: 'outbound-api',
      error_code: m.errorCode,
      error_message: m.errorCode === null ? null : (ERROR_TEXT[m.errorCode] ?? null),
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: '0',
      num_segments: String(m.numSegments),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
      to: m.to,
      uri: `${uri}.json`,
    };
  }

  function store(m: StandinMessage): void {
    bySid.set(m.sid, m);
    let list = byTo.get(m.to);
    if (list === undefined) byTo.set(m.to, (list = []));
    list.push(m);
    if (bySid.size > maxStored) {
      const oldest = bySid.values().next().value;
      if (oldest !== undefined) {
        bySid.delete(oldest.sid);
        const same = byTo.get(oldest.to);
        if (same !== undefined) {
          if (same[0] === oldest) same.shift();
          if (same.length === 0) byTo.delete(oldest.to);
        }
      }
    }
  }

  /** Only the first request for that number fails; later ones go through. */
  function firstTime(to: string): boolean {
    if (firstFailureSeen.has(to)) return false;
    firstFailureSeen.add(to);
    return true;
  }

  function create(res: http.ServerResponse, raw: string): void {
    const p = new URLSearchParams(raw);
    const to = p.get('To');
    const body = p.get('Body');
    const from = p.get('From');
    const service = p.get('MessagingServiceSid');
    const callback = p.get('StatusCallback');
    const reject = (status: number, code: number, message?: string) => {
      rejected++;
      sendError(res, status, code, message);
    };
    if (!to) return reject(400, 21604);
    if (!from && !service) return reject(400, 21603);
    const whatsapp = to.startsWith('whatsapp:');
    if (whatsapp && from && !from.startsWith('whatsapp:')) return reject(400, 63007);
    const contentSid = p.get('ContentSid') || null;
    const rawVariables = p.get('ContentVariables');
    if (rawVariables !== null && contentSid === null) return reject(400, 21654);
    if (contentSid !== null && (!CONTENT_SID.test(contentSid) || (contentTemplates !== null && !contentTemplates.has(contentSid)))) {
      return reject(400, 21655);
    }
    const variables = rawVariables === null ? null : parseContentVariables(rawVariables);
    if (rawVariables !== null && variables === null) return reject(400, 21656);
    if (!body && contentSid === null) return whatsapp ? reject(400, 21619) : reject(400, 21602);
    const number = whatsapp ? to.slice(9) : to;
    if (!E164.test(number) || number.endsWith('0000001')) {
      return reject(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (number.endsWith('0000002')) return reject(400, 21610);
    if (number.endsWith('0000003') && firstTime(number)) return reject(500, 20500);
    if (number.endsWith('0000005') && firstTime(number)) return reject(429, 20429);
    const magic = whatsapp ? whatsappMagic(number) : null;
    if (magic !== null && magic.at === 'request') {
      const status = WHATSAPP_ERRORS.get(magic.code) ?? 400;
      // A closed window refuses free-form text only; a rate limit passes once it was felt.
      const applies = magic.code === 63016 ? contentSid === null : magic.code === 63018 ? firstTime(number) : true;
      if (applies) return reject(status, magic.code, magic.code === 63003 ? `Channel could not find To address ${to}` : undefined);
    }
    if (body && body.length > 1600) return reject(400, 21617);
    let shown = body ?? '';
    if (contentSid !== null) {
      const text = contentTemplates?.get(contentSid);
      const filled = text === undefined ? null : fillTemplate(text, variables ?? {});
      if (text !== undefined && filled === null) return reject(400, 21656);
      shown = filled ?? body ?? '';
    }

    const now = Date.now();
    const msg: StandinMessage = {
      sid: 'SM' + sidPrefix + (sidCounter++).toString(16).padStart(16, '0'),
      to,
      from: from || null,
      body: shown,
      channel: whatsapp ? 'whatsapp' : 'sms',
      kind: contentSid === null ? 'free-form' : 'template',
      bodyParam: body,
      contentSid,
      contentVariables: variables,
      failWith: magic !== null && magic.at === 'callback' ? magic.code : null,
      messagingServiceSid: service || null,
      statusCallback: callback || null,
      numSegments: whatsapp ? 1 : Math.max(1, countSegments(shown)),
      status: service ? 'accepted' : 'queued',
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      errorCode: null,
    };
    accepted++;
    if (whatsapp) {
      if (msg.kind === 'template') whatsappTemplate++;
      else whatsappFreeForm++;
    }
    if (msg.statusCallback !== null) {
      const key = messageKey(msg.statusCallback);
      const seen = byKey.get(key) ?? 0;
      byKey.set(key, seen + 1);
      if (seen === 1) {
        duplicates++;
        if (duplicateKeys.length < 20) duplicateKeys.push(key);
      }
    }
    store(msg);
    sendJson(res, 201, resource(msg));
    later(() => advance(msg, whatsapp ? 'queued' : 'sent'));
  }

  function list(res: http.ServerResponse, query: string): void {
    const p = new URLSearchParams(query);
    const to = p.get('To');
    const from = p.get('From');
    const filters: Array<{ op: '=' | '>' | '<'; range: { start: number; end: number; dateOnly: boolean } }> = [];
    for (const [name, op] of [
      ['DateSent', '='],
      ['DateSent>', '>'],
      ['DateSent<', '<'],
    ] as const) {
      const value = p.get(name);
      if (value === null || value === '') continue;
      const range = parseDateFilter(value);
      if (range === null) return sendError(res, 400, 20001, `Invalid ${name} value`);
      filters.push({ op, range });
    }
    const pageSize = Math.min(1000, Math.max(1, Number.parseInt(p.get('PageSize') ?? '50', 10) || 50));
    const page = Math.max(0, Number.parseInt(p.get('Page') ?? '0', 10) || 0);

    const matches = (m: StandinMessage): boolean => {
      if (from !== null && m.from !== from) return false;
      if (filters.length === 0) return true;
      const sent = m.dateSent; // Twilio filters on the sent date: queued messages have none.
      if (sent === null) return false;
      for (const { op, range } of filters) {
        if (op === '>' && sent < range.start) return false;
        if (op === '<' && (range.dateOnly ? sent >= range.end : sent > range.end)) return false;
        if (op === '=') {
          const day = Math.floor(range.start / 86_400_000);
          if (Math.floor(sent / 86_400_000) !== day) return false;
        }
      }
      return true;
    };
    const source: StandinMessage[] = to !== null ? (byTo.get(to) ?? []) : [...bySid.values()];
    const skip = page * pageSize;
    const found: Record<string, unknown>[] = [];
    let seen = 0;
    let more = false;
    for (let i = source.length - 1; i >= 0; i--) {
      const m = source[i];
      if (m === undefined || !matches(m)) continue;
      if (seen++ < skip) continue;
      if (found.length === pageSize) {
        more = true;
        break;
      }
      found.push(resource(m));
    }
    const base = `${accountPath}/Messages.json`;
    const pageUri = (n: number) => {
      const q = new URLSearchParams(p);
      q.delete('Page');
      q.delete('PageToken');
      q.set('PageSize', String(pageSize));
      q.set('Page', String(n));
      return `${base}?${q.toString()}`;
    };
    sendJson(res, 200, {
      messages: found,
      page,
      page_size: pageSize,
      start: skip,
      end: skip + Math.max(0, found.length - 1),
      uri: query ? `${base}?${query}` : base,
      first_page_uri: pageUri(0),
      next_page_uri: more ? pageUri(page + 1) : null,
      previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    });
  }

  function stats(): StandinStats {
    return {
      accepted,
      uniqueMessages: byKey.size,
      duplicates,
      duplicateKeys: [...duplicateKeys],
      callbacksSent,
      callbacksFailed,
      callbacksPending: pending(),
      rejected,
      connections,
      whatsapp: { freeForm: whatsappFreeForm, template: whatsappTemplate },
    };
  }

  function reset(): void {
    gen++;
    byKey.clear();
    duplicates = 0;
    duplicateKeys = [];
    bySid.clear();
    byTo.clear();
    firstFailureSeen.clear();
    accepted = 0;
    rejected = 0;
    whatsappFreeForm = 0;
    whatsappTemplate = 0;
    callbacksSent = 0;
    callbacksFailed = 0;
    queue.length = 0;
    head = 0;
    pendingSteps = 0;
    checkSettled();
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';

    if (path === '/__standin/stats' && method === 'GET') return sendJson(res, 200, stats());
    if (path === '/__standin/messages' && method === 'GET') return sendJson(res, 200, { messages: [...bySid.values()] });
    if (path === '/__standin/reset' && method === 'POST') {
      req.resume();
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (!path.startsWith(API_PREFIX)) {
      req.resume();
      return sendError(res, 404, 20404);
    }
    if (req.headers.authorization !== expectedAuth) {
      req.resume();
      return sendError(res, 401, 20003);
    }
    if (!path.startsWith(accountPath + '/')) {
      req.resume();
      return sendError(res, 404, 20404);
    }
    const tail = path.slice(accountPath.length);
    if (tail === '/Messages.json') {
      if (method === 'GET') return list(res, query);
      if (method === 'POST') {
        let raw = '';
        let tooLarge = false;
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => {
          if (tooLarge) return;
          raw += chunk;
          if (raw.length > MAX_BODY_BYTES) {
            tooLarge = true;
            rejected++;
            sendError(res, 413, 20001, 'Request body too large');
          }
        });
        req.on('end', () => {
          if (!tooLarge) create(res, raw);
        });
        return;
      }
    } else if (tail.startsWith('/Messages/') && tail.endsWith('.json') && method === 'GET') {
      const msg = bySid.get(tail.slice('/Messages/'.length, -'.json'.length));
      if (msg !== undefined) return sendJson(res, 200, resource(msg));
      return sendError(res, 404, 20404);
    }
    req.resume();
    sendError(res, 404, 20404);
  }

  const server = http.createServer({ keepAlive: true, keepAliveTimeout: 65_000 }, (req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) sendError(res, 500, 20500);
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', () => {
    connections++;
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats,
    messages: () => [...bySid.values()],
    reset,
    settled: () =>
      new Promise<void>((resolve) => {
        settledWaiters.push(resolve);
        checkSettled();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const resolve of settledWaiters) resolve();
        settledWaiters = [];
        queue.length = 0;
        head = 0;
        httpAgent.destroy();
        httpsAgent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
