import { createSmtpEmailAdapter } from '../../src/channels/smtp-email.ts';
import { unsubscribeUrl } from '../../src/http/unsubscribe-route.ts';
import { messageIds, outbound, type Content } from './content.ts';

// The SMTP adapter as the registry builds it (one-click unsubscribe links signed per message, DKIM
// over both list headers when a key is given), sending the catalogue's payment-missed email in
// each language, each message with its own id and recipient.

const LINK_SECRET = 'bench-channels-link-signing-secret-0123456789';

export interface EmailSenderOptions {
  smtpUrl: string;
  poolSize: number;
  /** PEM of an RSA key: sign with DKIM. */
  dkimKey: string | null;
}

export interface EmailSender {
  send(i: number): Promise<unknown>;
  close(): Promise<void>;
}

export function createEmailSender(content: Content, opts: EmailSenderOptions): EmailSender {
  const expires = new Date(Date.now() + 90 * 86_400_000);
  const adapter = createSmtpEmailAdapter({
    smtpUrl: opts.smtpUrl,
    from: 'noreply@demo-collect.example',
    fromName: 'Demo Collect',
    unsubscribeMailbox: 'unsubscribe@demo-collect.example',
    poolSize: opts.poolSize,
    ...(opts.dkimKey ? { dkim: { domainName: 'demo-collect.example', keySelector: 'dco', privateKey: opts.dkimKey } } : {}),
    unsubscribeUrl: (messageId) => unsubscribeUrl('https://orchestrator.demo-collect.example', LINK_SECRET, messageId, expires),
  });
  const rendered = content.rendered('payment-missed', 'email');
  const id = messageIds();
  return {
    send: (i) => adapter.send(outbound('email', rendered, id, i, (_country, k) => `debtor.${k}@mail.example`)),
    close: () => adapter.close(),
  };
}
