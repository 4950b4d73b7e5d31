// The small page behind the one-click unsubscribe link, in the language the email was written in.
// It names no debtor, address or case: whoever holds the link sees only what the link does.

export type UnsubscribeState = 'ask' | 'done' | 'already';

interface Texts {
  title: string;
  question: string;
  scope: string;
  button: string;
  done: string;
  already: string;
  contact: (phone: string, email: string) => string;
}

const TEXTS: Readonly<Record<'pl' | 'fi' | 'it' | 'nl' | 'en', Texts>> = {
  pl: {
    title: 'Rezygnacja z wiadomości e-mail',
    question: 'Czy chcą Państwo zrezygnować z otrzymywania od nas wiadomości e-mail na ten adres?',
    scope: 'Dotyczy to tylko wiadomości e-mail. Nadal możemy kontaktować się z Państwem w inny sposób, na przykład listownie.',
    button: 'Rezygnuję z wiadomości e-mail',
    done: 'Gotowe. Nie będziemy już wysyłać wiadomości e-mail na ten adres.',
    already: 'Rezygnacja została już zapisana. Nie wysyłamy wiadomości e-mail na ten adres.',
    contact: (phone, email) => `W razie pytań prosimy o kontakt pod numerem ${phone} lub na adres ${email}.`,
  },
  fi: {
    title: 'Sähköpostiviestien peruminen',
    question: 'Haluatko, ettemme enää lähetä sinulle sähköpostia tähän osoitteeseen?',
    scope: 'Peruminen koskee vain sähköpostia. Voimme edelleen olla sinuun yhteydessä muulla tavalla, esimerkiksi kirjeellä.',
    button: 'Peru sähköpostiviestit',
    done: 'Valmis. Emme enää lähetä sähköpostia tähän osoitteeseen.',
    already: 'Olet jo perunut sähköpostiviestit. Emme lähetä sähköpostia tähän osoitteeseen.',
    contact: (phone, email) => `Jos sinulla on kysyttävää, soita meille numeroon ${phone} tai kirjoita osoitteeseen ${email}.`,
  },
  it: {
    title: 'Disattivazione delle e-mail',
    question: 'Desidera non ricevere più e-mail da noi a questo indirizzo?',
    scope: 'La disattivazione riguarda solo le e-mail. Potremo comunque contattarLa in altro modo, ad esempio per lettera.',
    button: 'Disattiva le e-mail',
    done: 'Fatto. Non Le invieremo più e-mail a questo indirizzo.',
    already: 'Le e-mail sono già disattivate. Non Le inviamo più e-mail a questo indirizzo.',
    contact: (phone, email) => `Per qualsiasi domanda può chiamarci al numero ${phone} o scriverci a ${email}.`,
  },
  nl: {
    title: 'Afmelden voor e-mail',
    question: 'Wilt u geen e-mails meer van ons ontvangen op dit adres?',
    scope: 'Dit geldt alleen voor e-mail. We kunnen u nog wel op een andere manier bereiken, bijvoorbeeld per brief.',
    button: 'Afmelden voor e-mail',
    done: 'Gelukt. U ontvangt geen e-mails meer van ons op dit adres.',
    already: 'U bent al afgemeld. U ontvangt geen e-mails meer van ons op dit adres.',
    contact: (phone, email) => `Heeft u vragen? Bel ons op ${phone} of mail naar ${email}.`,
  },
  en: {
    title: 'Unsubscribe from email',
    question: 'Would you like to stop receiving email from us at this address?',
    scope: 'This applies to email only. We may still contact you in other ways, for example by letter.',
    button: 'Unsubscribe from email',
    done: 'Done. We will not send email to this address any more.',
    already: 'You have already unsubscribed. We do not send email to this address.',
    contact: (phone, email) => `If you have any questions, call us on ${phone} or write to ${email}.`,
  },
};

export type PageLanguage = keyof typeof TEXTS;

/** pl, fi, it, nl from a message's locale ("nl", "nl-NL"); English for anything else. */
export function pageLanguage(locale: string | null): PageLanguage {
  const lang = (locale ?? '').split(/[-_]/)[0]?.toLowerCase() ?? '';
  return lang === 'pl' || lang === 'fi' || lang === 'it' || lang === 'nl' ? lang : 'en';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageInput {
  lang: PageLanguage;
  state: UnsubscribeState;
  /** Where the button posts: the same signed URL (path and query) the page was opened with. */
  action: string;
  sender: { name: string; phone: string; email: string };
}

/** A GET shows the question and a button that POSTs; it never unsubscribes (mail scanners follow links). */
export function unsubscribePage({ lang, state, action, sender }: PageInput): string {
  const t = TEXTS[lang];
  const body =
    state === 'ask'
      ? [
          `<p>${escapeHtml(t.question)}</p>`,
          `<p>${escapeHtml(t.scope)}</p>`,
          `<form method="post" action="${escapeHtml(action)}">`,
          '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
          `<button type="submit">${escapeHtml(t.button)}</button>`,
          '</form>',
        ]
      : [`<p role="status">${escapeHtml(state === 'done' ? t.done : t.already)}</p>`];
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(t.title)} – ${escapeHtml(sender.name)}</title>`,
    '<style>body{font:1.05rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.6rem 1.2rem;border:2px solid #1a1a1a;border-radius:.3rem;background:#fff;cursor:pointer}button:focus{outline:3px solid #005fcc;outline-offset:2px}</style>',
    '</head>',
    '<body><main>',
    `<p>${escapeHtml(sender.name)}</p>`,
    `<h1>${escapeHtml(t.title)}</h1>`,
    ...body,
    `<p>${escapeHtml(t.contact(sender.phone, sender.email))}</p>`,
    '</main></body>',
    '</html>',
  ].join('\n');
}
