// A raw RFC 5322 reply turned into an IncomingReply: who wrote, which of our messages it answers,
// the debtor's new words without the quoted history, and the attachments we may keep. Nothing in
// the message is trusted: attachments are checked by declared type and by their first bytes and
// are never opened further, and the parser is told not to inline images or build HTML.
import { createHash } from 'node:crypto';
import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import type { IncomingReply, StoredAttachment } from './reply.ts';

export interface InboundEmailLimits {
  maxAttachmentBytes: number;
  maxTotalBytes: number;
  maxAttachments: number;
}

export const DEFAULT_INBOUND_EMAIL_LIMITS: InboundEmailLimits = { maxAttachmentBytes: 5 * 1024 * 1024, maxTotalBytes: 10 * 1024 * 1024, maxAttachments: 5 };

/** The message cannot be read as an email we could answer (no sender, or a structure mailparser refuses). */
export class InboundEmailError extends Error {
  readonly reason: 'unparseable' | 'no-sender';
  constructor(reason: 'unparseable' | 'no-sender', message: string) {
    super(message);
    this.name = 'InboundEmailError';
    this.reason = reason;
  }
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------------------------------------
// Quoted history. Each rule needs more than a word to fire (a time or an address in a reply
// header, three header lines in an Outlook block), because cutting the debtor's own words is worse
// than leaving a bit of our own text in.

const QUOTED = /^[ \t]*>/;
/** "On … wrote:" and its equivalents, tested on the whole (possibly re-joined) header line. */
const HEADER_END = [
  /\swrote:$/i,
  /\s(?:napisa[łl](?:\(a\)|a)?|pisze):$/i, // pl: Gmail "napisał(a):", Thunderbird "pisze:"
  /\skirjoitti(?:\s.*)?:$/i, // fi: Gmail "… kirjoitti:", Thunderbird/Apple "… kirjoitti 18.11.2026 klo 10.00:"
  /\sha scritto:$/i, // it
  /\sschreef\s.+:$/i, // nl: "Op … schreef Naam <adres>:"
  /\shet volgende geschreven:$/i, // nl: Apple Mail
];
const HEADER_START = /^(?:on|w dniu|dnia|il giorno|il|op)\s/i;
/** What a client's reply header always has and a debtor's sentence rarely does: an address or a clock time. */
const HEADER_SIGN = /@|\b\d{1,2}:\d{2}\b|\b(?:klo|kello)\s\d{1,2}[.:]\d{2}\b/i;
const CUT_MARKER =
  /^-{2,}\s*(?:original message|oryginalna wiadomo(?:ść|sc)|wiadomo(?:ść|sc) oryginalna|alkuper(?:ä|a)inen viesti|messaggio originale|oorspronkelijk bericht|forwarded message|wiadomo(?:ść|sc) przekazana dalej|edelleenl(?:ä|a)hetetty viesti|messaggio inoltrato|doorgestuurd bericht)\s*-{2,}$/i;
const OUTLOOK_FROM = /^\*?(?:from|od|l(?:ä|a)hett(?:ä|a)j(?:ä|a)|da|van)\*?:[ \t]*\S/i;
const OUTLOOK_SENT = /^\*?(?:sent|date|wys(?:ł|l)ano|wys(?:ł|l)ane|data|l(?:ä|a)hetetty|p(?:ä|a)iv(?:ä|a)m(?:ä|a)(?:ä|a)r(?:ä|a)|inviato|verzonden|datum)\*?:[ \t]*\S/i;
const OUTLOOK_TO = /^\*?(?:to|subject|cc|do|temat|dw|vastaanottaja|aihe|kopio|a|oggetto|aan|onderwerp)\*?:/i;
const SEPARATOR = /^[ \t]*[-_=]{5,}[ \t]*$/;

const MAX_HEADER_CHARS = 400;
const unclosedBracket = (s: string): boolean => s.lastIndexOf('<') > s.lastIndexOf('>');

/** How many lines the reply header starting at line i spans (clients wrap it, often inside "<address>"), or 0. */
function replyHeaderLength(lines: readonly string[], i: number): number {
  let joined = '';
  for (let k = 0; k < 3; k++) {
    const line = lines[i + k]?.trim();
    if (!line) return 0;
    if (k > 0 && !(unclosedBracket(joined) || /^[<[]/.test(line) || (HEADER_START.test(joined) && !/[.!?]$/.test(joined)))) return 0;
    joined = k === 0 ? line : `${joined} ${line}`;
    // Reply headers are short; the cap also keeps the patterns below linear on a megabyte-long line.
    if (joined.length > MAX_HEADER_CHARS) return 0;
    if (HEADER_SIGN.test(joined) && HEADER_END.some((re) => re.test(joined))) return k + 1;
  }
  return 0;
}

/** Outlook's "From: / Sent: / To: / Subject:" block (in the five languages): the original follows unquoted. */
function isOutlookBlock(lines: readonly string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]?.trim() ?? '')) return false;
  const next = lines.slice(i + 1, i + 8).map((l) => l.trim()).filter((l) => l !== '').slice(0, 5);
  return next.some((l) => OUTLOOK_SENT.test(l)) && next.some((l) => OUTLOOK_TO.test(l));
}

/**
 * The debtor's new words: '>' lines dropped, everything from a reply header, an Outlook block, an
 * "Original message" line or a "-- " signature on cut. A reply header followed by '>' lines is
 * only dropped itself, so an answer written below or between the quotes is kept. `fromHtml`: the
 * HTML-to-text conversion trims "-- " to "--".
 */
export function stripQuotedHistory(text: string, opts: { fromHtml?: boolean } = {}): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (QUOTED.test(line)) continue;
    if (line === '-- ' || (opts.fromHtml && line === '--') || CUT_MARKER.test(line.trim()) || isOutlookBlock(lines, i)) break;
    const headerLines = replyHeaderLength(lines, i);
    if (headerLines > 0) {
      let next = i + headerLines;
      while (next < lines.length && lines[next]?.trim() === '') next++;
      if (next < lines.length && !QUOTED.test(lines[next] ?? '')) break;
      i += headerLines - 1;
      continue;
    }
    kept.push(line.trimEnd());
  }
  while (kept.length && (kept.at(-1) === '' || SEPARATOR.test(kept.at(-1) ?? ''))) kept.pop();
  return kept.join('\n').replace(/^\n+/, '').replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------------
// Attachments.

type Kind = { ext: readonly string[]; looksRight: (b: Buffer) => boolean };
const startsWith = (b: Buffer, magic: readonly number[]): boolean => magic.every((byte, i) => b[i] === byte);
/** Text is text: no NUL and no control bytes other than tab, line breaks, form feed and escape. */
const isText = (b: Buffer): boolean => !b.some((c) => c < 0x09 || (c > 0x0d && c < 0x20 && c !== 0x1b));
const KINDS: Readonly<Record<string, Kind>> = {
  'application/pdf': { ext: ['pdf'], looksRight: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]) }, // %PDF-
  'image/jpeg': { ext: ['jpg', 'jpeg', 'jpe', 'jfif'], looksRight: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  'image/png': { ext: ['png'], looksRight: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  'text/plain': { ext: ['txt', 'text', 'log', 'csv'], looksRight: isText },
};
const TYPE_ALIASES: Readonly<Record<string, string>> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png' };

/**
 * A file name safe to show and to put in a Content-Disposition later: no path, no control or
 * bidirectional-override characters (which make "invoice\u202Efdp.exe" read as "invoiceexe.pdf").
 */
export function safeFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().replace(/^\.+/, '');
  if (!clean) return fallback;
  if (clean.length <= 150) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return clean.slice(0, 150 - ext.length) + ext;
}

type Refused = IncomingReply['refusedAttachments'][number];

/** Why an attachment cannot be kept, or null. Type and content first: a refused file's size says nothing. */
function refusal(kind: Kind | undefined, content: Buffer, ext: string | null, at: { limits: InboundEmailLimits; count: number; total: number }): string | null {
  if (!kind) return 'type-not-allowed';
  if (content.length === 0) return 'empty';
  if (!kind.looksRight(content)) return 'content-does-not-match-type';
  if (ext !== null && !kind.ext.includes(ext)) return 'extension-does-not-match-type';
  if (content.length > at.limits.maxAttachmentBytes) return 'too-large';
  if (at.count >= at.limits.maxAttachments) return 'too-many';
  if (at.total + content.length > at.limits.maxTotalBytes) return 'total-too-large';
  return null;
}

function sortAttachments(limits: InboundEmailLimits, attachments: readonly Attachment[]): { stored: StoredAttachment[]; refused: Refused[] } {
  const stored: StoredAttachment[] = [];
  const refused: Refused[] = [];
  let total = 0;
  // Files the debtor attached first, images embedded in the HTML (signature logos, mostly) after,
  // so that logos never push a payment confirmation over the count limit.
  const ordered = attachments.map((a, n) => ({ a, n })).sort((x, y) => Number(x.a.related === true) - Number(y.a.related === true) || x.n - y.n);
  for (const { a, n } of ordered) {
    const declared = a.contentType.toLowerCase();
    const type = TYPE_ALIASES[declared] ?? declared;
    const kind = KINDS[type];
    const filename = safeFilename(a.filename, `attachment-${n + 1}${kind ? `.${kind.ext[0]}` : ''}`);
    const size = a.content.length;
    const ext = filename.includes('.') ? filename.slice(filename.lastIndexOf('.') + 1).toLowerCase() : null;
    const reason = refusal(kind, a.content, ext, { limits, count: stored.length, total });
    if (!kind || reason) {
      refused.push({ filename, contentType: declared, size, reason: reason ?? 'type-not-allowed' });
      continue;
    }
    total += size;
    stored.push({ filename, contentType: type, size, sha256: sha256(a.content), data: a.content });
  }
  return { stored, refused };
}

// ---------------------------------------------------------------------------------------------
// Headers.

const firstAddress = (field: AddressObject | AddressObject[] | undefined): string | null => {
  for (const obj of Array.isArray(field) ? field : field ? [field] : []) {
    for (const entry of obj.value) {
      const address = entry.address ?? entry.group?.find((g) => g.address)?.address;
      if (address && address.includes('@')) return address.trim().toLowerCase();
    }
  }
  return null;
};

const OUR_ID = /(?<![0-9A-Za-z_])(msg_[0-9a-f]{32})@/g;

/**
 * Our message ids the reply names, newest first: In-Reply-To names the message answered,
 * References lists the thread oldest first. Read from the raw header lines, which need no parsing
 * beyond the pattern. A sender can write any id here: it is a hint for matching, not a proof.
 */
export function threadIds(mail: Pick<ParsedMail, 'headerLines'>): string[] {
  const idsIn = (key: string) => mail.headerLines.filter((h) => h.key === key).flatMap((h) => [...h.line.matchAll(OUR_ID)].map((m) => m[1] ?? ''));
  return [...new Set([...idsIn('in-reply-to'), ...idsIn('references').reverse()])].slice(0, 20);
}

/** The Message-ID, or a hash of the whole message when there is none (or an absurd one). */
function providerIdOf(mail: ParsedMail, raw: Buffer): string {
  const id = mail.messageId?.trim();
  if (!id) return `sha256:${sha256(raw)}`;
  return id.length <= 255 ? id : `sha256:${sha256(id)}`;
}

const REPLY_PREFIX = /^\s*(?:(?:re|odp|vs|sv|r|rif|antw|antwoord|aw|fw|fwd|pd|vl|i|doorst)\s*(?:\[\d+\]\s*)?:\s*)+/i;
const TEXT_PLAIN_PART = /^content-type:[ \t]*text\/plain/im;
const MAILTO_UNSUBSCRIBE = /^\s*unsubscribe-(msg_[0-9a-f]{32})\s*$/i;

// ---------------------------------------------------------------------------------------------

export async function parseInboundEmail(raw: Buffer, opts: { receivedAt: Date; limits?: Partial<InboundEmailLimits> }): Promise<IncomingReply> {
  const limits = { ...DEFAULT_INBOUND_EMAIL_LIMITS, ...opts.limits };
  // Loaded with the first inbound email: mailparser costs 14 MB in every process that imports it.
  const { simpleParser } = await import('mailparser');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      // Only what we use: no data: URLs built from images, no HTML built from text, no md5s.
      keepCidLinks: true,
      skipImageLinks: true,
      skipTextToHtml: true,
      checksumAlgo: false,
      // Bounds on work an attacker can ask for; the route already limits the size to 15 MiB.
      maxHtmlLengthToParse: 2 * 1024 * 1024,
      maxChildNodes: 200,
      maxHeadSize: 256 * 1024,
    });
  } catch {
    throw new InboundEmailError('unparseable', 'the message could not be parsed as MIME');
  }
  const from = firstAddress(mail.from);
  if (!from) throw new InboundEmailError('no-sender', 'the message has no From address');

  const inReplyTo = threadIds(mail);
  // mailparser converts the HTML only when there is no text/plain part; the conversion trims "-- ".
  const fromHtml = typeof mail.html === 'string' && !TEXT_PLAIN_PART.test(raw.toString('latin1'));
  let text = stripQuotedHistory(mail.text ?? '', { fromHtml });

  // The body says nothing: the subject may be all the debtor wrote ("STOP"), unless it is ours with "Re:".
  const subject = (mail.subject ?? '').trim();
  const unsubscribe = MAILTO_UNSUBSCRIBE.exec(subject)?.[1];
  if (unsubscribe) {
    // Our List-Unsubscribe mailto: (smtp-email.ts). The subject names the message and is the whole
    // request; the body is empty or written by the mailbox provider ("This message was
    // automatically generated by Gmail."), so it is replaced by the keyword the request means.
    if (!inReplyTo.includes(unsubscribe)) inReplyTo.unshift(unsubscribe);
    text = 'UNSUBSCRIBE';
  } else if (!text && subject && !REPLY_PREFIX.test(subject)) {
    text = subject;
  }

  const { stored, refused } = sortAttachments(limits, mail.attachments);
  return {
    channel: 'email',
    providerId: providerIdOf(mail, raw),
    from,
    to: firstAddress(mail.to),
    text,
    inReplyTo,
    attachments: stored,
    refusedAttachments: refused,
    receivedAt: opts.receivedAt,
  };
}
