// A debtor's reply as every inbound route hands it over (Twilio SMS and WhatsApp, email), and what
// handling it came to. The routes check signatures and parse their format; handle-reply.ts matches,
// classifies, acts and forwards.

export type ReplyChannel = 'sms' | 'whatsapp' | 'email';

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export interface IncomingReply {
  channel: ReplyChannel;
  /** Twilio's MessageSid or the email's Message-ID: a reply seen twice is handled once. */
  providerId: string;
  /** E.164 number (without `whatsapp:`) or the email address. */
  from: string;
  to: string | null;
  /** The new text only: quoted history stripped. */
  text: string;
  /** Our message ids the reply names (email In-Reply-To / References), newest first. */
  inReplyTo: string[];
  attachments: StoredAttachment[];
  /** Attachments refused (type or size), for the record: never stored. */
  refusedAttachments: Array<{ filename: string; contentType: string; size: number; reason: string }>;
  receivedAt: Date;
}

export type ReplyOutcome =
  | { kind: 'duplicate'; inboundId: string }
  | { kind: 'review'; inboundId: string }
  | { kind: 'handled'; inboundId: string; debtorId: string; caseId: string | null; keyword: string | null; intent: string | null; confidence: number | null };

export type HandleReply = (reply: IncomingReply) => Promise<ReplyOutcome>;
