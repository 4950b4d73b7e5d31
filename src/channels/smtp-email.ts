// Email over SMTP through a pooled nodemailer transport. Errors are classified by nodemailer's
// error code, the SMTP reply code and the command it answered (and the RFC 3463 enhanced status
// code where the server sends one), never by reply text. Reply texts quote the recipient's
// address, so neither they nor nodemailer's error objects are passed on: our errors carry codes.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutboundMessage, SendResult } from './channel-adapter.ts';
import { ConfigError, PermanentChannelError, TransientChannelError } from '../errors.ts';

export interface SmtpEmailAdapterOptions {
  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start). */
  smtpUrl: string;
  from: string;
  fromName: string;
  /** Where `mailto:` unsubscribe requests go (the second List-Unsubscribe entry). */
  unsubscribeMailbox: string;
  /** Connections the pool keeps open at most. */
  poolSize: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** The signed one-click HTTPS link for a message (see unsubscribeUrl in http/unsubscribe-route.ts). */
  unsubscribeUrl: (messageId: string) => string;
  /** Tests and private relays: accept a self-signed certificate (rejectUnauthorized: false) or pin a CA. */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer };
  /** Inactivity on an open connection before it counts as a timeout (default 60 s; nodemailer's is 10 min). */
  socketTimeoutMs?: number;
  /** Connecting and the greeting (default 15 s). */
  connectionTimeoutMs?: number;
  /** Messages per connection before the pool replaces it (default 100, as many relays cap sessions). */
  messagesPerConnection?: number;
  /**
   * Called once when sending starts failing for a reason of our configuration (credentials, TLS),
   * and again only after a send has succeeded in between: the caller logs it once, not per message.
   */
  onConfigProblem?: (code: SmtpConfigCode) => void;
}

export type SmtpConfigCode = 'SMTP_AUTH' | 'SMTP_TLS';
const CONFIG_CODES: ReadonlySet<string> = new Set<SmtpConfigCode>(['SMTP_AUTH', 'SMTP_TLS']);

/** A failure no retry fixes until the operator changes the SMTP settings; transient so the messages wait. */
export function isSmtpConfigProblem(err: unknown): err is TransientChannelError {
  return err instanceof TransientChannelError && err.code !== undefined && CONFIG_CODES.has(err.code);
}

/** The fields of a nodemailer error we classify by; everything else (response text) stays inside. */
interface SmtpErrorLike {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
}

/** The connection never reached an SMTP conversation: nothing can have been sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** The connection broke or stalled at a point nodemailer does not tell (it reports every drop as CONN). */
const CONNECTION_LOST = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EPROTOCOL']);

/** RFC 3463 enhanced status code at the start of a reply ("550 5.1.1 …" → "5.1.1"): a code, not prose. */
function enhancedCode(response: unknown): string | undefined {
  if (typeof response !== 'string') return undefined;
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1];
}

/** 550/551/553 to RCPT say the mailbox is unknown or the address invalid, unless an enhanced status code names another cause. */
function rcptSaysAddressIsBad(responseCode: number, enhanced: string | undefined): boolean {
  if (![550, 551, 553].includes(responseCode)) return false;
  if (enhanced === undefined) return true;
  // X.1.x addressing status, 5.2.1 mailbox disabled; X.7.x (spam, policy), X.2.2 (full) and the rest are not about the address.
  return /^5\.1\./.test(enhanced) || enhanced === '5.2.1';
}

/** Turns whatever nodemailer threw into TransientChannelError or PermanentChannelError. */
export function classifySmtpError(err: unknown): TransientChannelError | PermanentChannelError {
  const e: SmtpErrorLike = typeof err === 'object' && err !== null ? (err as SmtpErrorLike) : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const originalCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  const replyCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : 'unknown';
  const notSent = { mayHaveBeenSent: false };

  if (code === 'EAUTH' || code === 'ENOAUTH' || replyCode === 530 || replyCode === 534 || replyCode === 535) {
    return new TransientChannelError(`SMTP authentication failed${replyCode ? ` (${replyCode})` : ''}`, 'SMTP_AUTH', notSent);
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') return new TransientChannelError('SMTP TLS negotiation failed', 'SMTP_TLS', notSent);

  if (replyCode !== undefined) {
    // The server answered: whatever it answered other than 250 to the final dot, it did not take the message.
    const enhanced = enhancedCode(e.response);
    const codeText = `SMTP_${replyCode}${enhanced ? `_${enhanced}` : ''}`;
    const what = `SMTP server answered ${replyCode}${enhanced ? ` ${enhanced}` : ''} to ${command}`;
    // 503 is a bad command sequence: the session's fault, a new connection takes the same message.
    if (replyCode < 500 || replyCode === 503) return new TransientChannelError(what, codeText, notSent);
    const effect = command === 'RCPT TO' && rcptSaysAddressIsBad(replyCode, enhanced) ? 'invalid' : null;
    return new PermanentChannelError(what, codeText, effect);
  }

  if (code === 'EDNS' || (originalCode !== undefined && NOT_CONNECTED.has(originalCode))) {
    return new TransientChannelError(`SMTP server unreachable (${originalCode ?? code})`, originalCode ?? code ?? 'EDNS', notSent);
  }
  // Refused by nodemailer before any reply: our sender is validated by the configuration, so it is the recipient.
  if (code === 'EENVELOPE') return new PermanentChannelError('the recipient address cannot be sent to', 'SMTP_ADDRESS', 'invalid');
  if (code === 'EMESSAGE') return new PermanentChannelError('the message cannot be sent', 'SMTP_MESSAGE', null);
  if (code !== undefined && CONNECTION_LOST.has(code)) {
    // A drop or a stall without an answer, possibly after the final dot: the server may hold the message.
    return new TransientChannelError(`SMTP connection lost (${originalCode ?? code})`, originalCode ?? code);
  }
  const name = err instanceof Error ? err.name : typeof err;
  return new TransientChannelError(`SMTP send failed (${name})`, code ?? 'UNKNOWN');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The rendered body fragment in a minimal, accessible document: the language for screen readers
 * and hyphenation, a title, and the article role mail clients' accessibility guides recommend.
 */
export function htmlDocument(fragment: string, subject: string, locale: string | null): string {
  const lang = locale && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale) ? ` lang="${locale}"` : '';
  return [
    '<!doctype html>',
    `<html${lang} dir="ltr">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    `<body><div role="article" aria-roledescription="email" aria-label="${escapeHtml(subject)}"${lang}>`,
    fragment,
    '</div></body>',
    '</html>',
  ].join('\n');
}

/** Headers DKIM signs: nodemailer's default list leaves out List-Unsubscribe-Post, which RFC 8058 requires signed. */
const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'In-Reply-To', 'References', 'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post',
].join(':');

/**
 * The DKIM key parsed once: nodemailer signs with whatever it is given, and a PEM string is parsed
 * again for every message (half the signing cost), while a key it cannot use makes it send the
 * message unsigned without a word. Parsed here, a bad key stops the start instead.
 */
function dkimKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError('smtp-email: the DKIM private key is not a readable PEM key');
  }
  // nodemailer signs rsa-sha256 only.
  if (key.asymmetricKeyType !== 'rsa') throw new ConfigError('smtp-email: the DKIM private key must be an RSA key');
  return key;
}

export function createSmtpEmailAdapter(opts: SmtpEmailAdapterOptions): ChannelAdapter & { close(): Promise<void> } {
  const domain = opts.from.split('@')[1];
  if (!domain) throw new ConfigError('smtp-email: the from address has no domain');
  const dkim = opts.dkim ? { ...opts.dkim, privateKey: dkimKey(opts.dkim.privateKey), headerFieldNames: DKIM_SIGNED_HEADERS } : null;
  const transport = nodemailer.createTransport({
    pool: true,
    url: opts.smtpUrl,
    maxConnections: opts.poolSize,
    maxMessages: opts.messagesPerConnection ?? 100,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    connectionTimeout: opts.connectionTimeoutMs ?? 15_000,
    greetingTimeout: opts.connectionTimeoutMs ?? 15_000,
    // nodemailer's own log lines quote addresses and server replies.
    logger: false,
    debug: false,
    // The HTML comes from templates; it must never make the mailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(dkim ? { dkim } : {}),
  });
  let configProblem: string | null = null;

  return {
    channel: 'email',

    async send(message: OutboundMessage): Promise<SendResult> {
      const { subject, html, text } = message.parts;
      if (!subject || (!html && !text && !message.body)) {
        throw new PermanentChannelError('email: the message has no subject or no body part', 'EMAIL_PARTS_MISSING', null);
      }
      const messageIdHeader = `<${message.messageId}@${domain}>`;
      try {
        const info = await transport.sendMail({
          from: { name: opts.fromName, address: opts.from },
          to: message.to,
          subject,
          text: text ?? message.body,
          ...(html ? { html: htmlDocument(html, subject, message.locale) } : {}),
          messageId: messageIdHeader,
          headers: {
            'List-Unsubscribe': `<${opts.unsubscribeUrl(message.messageId)}>, <mailto:${opts.unsubscribeMailbox}?subject=unsubscribe-${message.messageId}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        });
        configProblem = null;
        // Our Message-ID: deterministic, so a resend after an unknown outcome carries the same one,
        // and it is what the delivered copy and the provider's bounce reports name. Only a server
        // that replaces the header (Microsoft 365, SES: nodemailer reads theirs from the 250 reply)
        // gets its own id stored, as that is the one its reports will name.
        return { providerId: info.serverMessageId ?? messageIdHeader, status: 'sent' };
      } catch (err) {
        const classified = classifySmtpError(err);
        if (isSmtpConfigProblem(classified) && configProblem !== classified.code) {
          configProblem = classified.code ?? null;
          opts.onConfigProblem?.(classified.code as SmtpConfigCode);
        }
        throw classified;
      }
    },

    // An SMTP server cannot be asked what it received. After an unknown outcome (a drop or a
    // timeout after the final dot) the dispatcher finds nothing here and sends again, with the same
    // Message-ID: receiving servers and mailbox providers deduplicate on it, so a message the
    // server did take shows once. Claiming "not sent" here is the only honest answer we have.
    async findSent(): Promise<SendResult[]> {
      return [];
    },

    async close(): Promise<void> {
      transport.close();
    },
  };
}
