import { createPrivateKey, sign } from 'node:crypto';
import nodemailer from 'nodemailer';
import { htmlDocument } from '../../src/channels/smtp-email.ts';
import type { Content } from './content.ts';

// DKIM's cost per message without a network: the RSA-2048 signature alone, and nodemailer building
// the adapter's message (same headers, same HTML document) into a buffer with and without signing.
// Serial on one core, so the figures are CPU milliseconds.

export interface DkimCost {
  signMs: number;
  buildMs: number;
  buildSignedMs: number;
  bytes: number;
}

// The headers smtp-email.ts signs (its list is not exported): both list headers are among them.
const SIGNED_HEADERS = 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:In-Reply-To:References:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

async function timePerCall(count: number, run: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, count); i++) await run(i);
  const started = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return (performance.now() - started) / count;
}

export async function dkimCost(content: Content, pem: string, count = 400): Promise<DkimCost> {
  const privateKey = createPrivateKey(pem);
  const header = Buffer.from('from:Demo Collect <noreply@demo-collect.example>\r\nsubject:…\r\n'.repeat(8));
  const signMs = await timePerCall(count, () => sign('sha256', header, privateKey));

  const rendered = content.rendered('payment-missed', 'email');
  const plain = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const signed = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: { domainName: 'demo-collect.example', keySelector: 'dco', privateKey, headerFieldNames: SIGNED_HEADERS },
  });
  let bytes = 0;
  const build = (transport: typeof plain) => async (i: number) => {
    const r = rendered[i % rendered.length]!;
    const subject = r.parts.subject ?? '';
    const info = await transport.sendMail({
      from: { name: 'Demo Collect', address: 'noreply@demo-collect.example' },
      to: `debtor.${i}@mail.example`,
      subject,
      text: r.parts.text ?? '',
      html: htmlDocument(r.parts.html ?? '', subject, r.locale),
      messageId: `<msg_${i.toString(16).padStart(32, '0')}@demo-collect.example>`,
      headers: {
        'List-Unsubscribe': `<https://orchestrator.demo-collect.example/v1/unsubscribe/msg_${i}?e=1&s=x>, <mailto:unsubscribe@demo-collect.example?subject=unsubscribe-msg_${i}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    bytes = (info.message as Buffer).length;
  };
  const buildMs = await timePerCall(count, build(plain));
  const buildSignedMs = await timePerCall(count, build(signed));
  return { signMs, buildMs, buildSignedMs, bytes };
}
