import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { CaseEvent } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { formatIban, formatMoney } from './format.ts';
import { epcQrSvg, finnishBankBarcodeSvg, formatRfReference, isValidRfReference, zbpQrSvg } from './payment-codes.ts';
import type { Sender } from './render-context.ts';

// The A4 page around a letter body: print CSS, the sender's return address, the recipient's
// address placed for a DL/C5 window envelope (DIN 5008 / EN 14406 position: 20 mm from the left,
// 45 mm from the top), page numbers, the fonts, and the payment slip. No debt wording outside the
// body and the slip: an envelope window shows only the addresses.

// Fonts: DejaVu Sans from @fontsource/dejavu-sans (its "latin" files are the whole font: Latin
// Extended-A included, so ą ł ś ĳ å are all there). The family has a name no system font has, so a
// font that failed to load can never be replaced silently by whatever the machine offers.
// By default the page links them at a reserved origin (.invalid never resolves) that the PDF
// renderer answers from the package files: a stored page stays ~12 kB instead of 1.25 MB of
// base64, and a PDF costs a quarter of the CPU (measured: 33 against 130 ms a letter).
// `embedFonts` inlines them as data: URIs for a page that must stand alone.
export const LETTER_FONT_ORIGIN = 'https://letter-fonts.invalid/';
const FAMILY = 'Letter DejaVu Sans';
const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('@fontsource/dejavu-sans')), 'files');
const FACES = [
  { weight: 400, style: 'normal' },
  { weight: 700, style: 'normal' },
  { weight: 400, style: 'italic' },
  { weight: 700, style: 'italic' },
] as const;
const fileOf = (face: (typeof FACES)[number]) => `dejavu-sans-latin-${face.weight}-${face.style}.woff2`;

/** The font files a letter page may ask for, by URL: what the PDF renderer serves. */
export function letterFontFiles(): ReadonlyMap<string, string> {
  return new Map(FACES.map((face) => [`${LETTER_FONT_ORIGIN}${fileOf(face)}`, path.join(FONT_DIR, fileOf(face))]));
}

let embedded: string | undefined;
function fontFaces(embed: boolean): string {
  const rule = (face: (typeof FACES)[number], url: string) =>
    `@font-face { font-family: "${FAMILY}"; font-weight: ${face.weight}; font-style: ${face.style}; src: url(${url}) format("woff2"); }`;
  if (!embed) return FACES.map((face) => rule(face, `${LETTER_FONT_ORIGIN}${fileOf(face)}`)).join('\n');
  embedded ??= FACES.map((face) => rule(face, `data:font/woff2;base64,${readFileSync(path.join(FONT_DIR, fileOf(face))).toString('base64')}`)).join('\n');
  return embedded;
}

const escape = (s: string): string => Handlebars.Utils.escapeExpression(s);
const lines = (a: { lines: readonly string[]; postalCode: string; city: string; country: string }, name?: string): string =>
  [...(name ? [name] : []), ...a.lines, `${a.postalCode} ${a.city}`.trim(), a.country].filter(Boolean).map(escape).join('<br>');

type Lang = 'pl' | 'fi' | 'it' | 'nl';
interface SlipText {
  locale: string;
  heading: string;
  recipient: string;
  account: string;
  reference: string;
  amount: string;
  useReference: string;
  scan: string;
  /** Where the bank barcode is printed too (Finland). */
  scanWithBarcode?: string;
}

// The slip in each language, in the plain register of the letters themselves.
const SLIP: Record<Lang, SlipText> = {
  fi: {
    locale: 'fi-FI',
    heading: 'Maksutiedot',
    recipient: 'Saaja',
    account: 'Saajan tilinumero (IBAN)',
    reference: 'Viitenumero',
    amount: 'Summa',
    useReference: 'Käytä maksaessasi aina viitenumeroa. Silloin maksu kohdistuu oikein.',
    scan: 'Voit myös lukea QR-koodin pankkisovelluksellasi.',
    scanWithBarcode: 'Voit myös lukea QR-koodin tai viivakoodin pankkisovelluksellasi.',
  },
  pl: {
    locale: 'pl-PL',
    heading: 'Dane do przelewu',
    recipient: 'Odbiorca',
    account: 'Numer rachunku',
    reference: 'Tytuł przelewu',
    amount: 'Kwota',
    useReference: 'Prosimy zawsze podawać tytuł przelewu. Dzięki temu przypiszemy wpłatę do Państwa sprawy.',
    scan: 'Mogą Państwo także zeskanować kod QR w aplikacji swojego banku.',
  },
  it: {
    locale: 'it-IT',
    heading: 'Dati per il pagamento',
    recipient: 'Beneficiario',
    account: 'IBAN',
    reference: 'Causale',
    amount: 'Importo',
    useReference: 'Indichi sempre la causale: così possiamo abbinare il pagamento alla Sua pratica.',
    scan: 'Può anche inquadrare il codice QR con l’app della Sua banca.',
  },
  nl: {
    locale: 'nl-NL',
    heading: 'Betaalgegevens',
    recipient: 'Ontvanger',
    account: 'Rekeningnummer (IBAN)',
    reference: 'Betalingskenmerk',
    amount: 'Bedrag',
    useReference: 'Vermeld altijd het betalingskenmerk. Dan weten wij dat de betaling van u is.',
    scan: 'U kunt ook de QR-code scannen met de app van uw bank.',
  },
};

// Only letters that ask for a payment carry a slip: never a closing letter, a receipt, or a letter
// while a dispute, an insolvency or a death is on the file.
const ASKS_FOR_PAYMENT = new Set<CaseEvent['type']>(['case.opened', 'payment.due', 'payment.missed', 'plan.agreed']);

/** What the slip asks for: the instalment, the plan's instalment, the offer, else the whole balance. */
export function slipPayment(event: CaseEvent): { amount: string; dueDate?: string } | null {
  const flags = event.debtor.flags;
  if (!ASKS_FOR_PAYMENT.has(event.type) || flags.dispute || flags.insolvency || flags.deceased) return null;
  const { instalment, plan, offer } = event.data;
  if (instalment) return event.type === 'payment.due' ? { amount: instalment.amount, dueDate: instalment.dueDate } : { amount: instalment.amount };
  if (plan) return { amount: plan.amount, dueDate: plan.firstDueDate };
  if (offer) return { amount: offer.amount, dueDate: offer.validUntil };
  return { amount: event.case.balance.total };
}

/** The codes the case's country uses; a code that cannot be built is left out, the text stays. */
function paymentCodes(event: CaseEvent, due: { amount: string; dueDate?: string }): { svgs: string[]; barcode: boolean } {
  const c = event.case;
  const attempt = (build: () => string): string[] => {
    try {
      return [build()];
    } catch (err) {
      if (err instanceof TemplateError) return [];
      throw err;
    }
  };
  const iban = c.payment.iban.toUpperCase();
  if (c.currency === 'PLN' && iban.startsWith('PL')) {
    return { svgs: attempt(() => zbpQrSvg({ iban, amount: due.amount, name: c.creditor.name, title: c.payment.reference }, { widthMm: 32 })), barcode: false };
  }
  if (c.currency !== 'EUR') return { svgs: [], barcode: false };
  const qr = attempt(() => epcQrSvg({ name: c.creditor.name, iban, amount: due.amount, currency: 'EUR', reference: c.payment.reference }, { widthMm: 32 }));
  // Finland prints the bank barcode beside the QR code: older apps and office scanners read only that.
  const bar = iban.startsWith('FI') ? attempt(() => finnishBankBarcodeSvg({ iban, amount: due.amount, reference: c.payment.reference, ...(due.dueDate ? { dueDate: due.dueDate } : {}) })) : [];
  return { svgs: [...qr, ...bar], barcode: bar.length > 0 };
}

function paymentSlip(event: CaseEvent, lang: Lang): string {
  const due = slipPayment(event);
  if (!due) return '';
  const t = SLIP[lang];
  const c = event.case;
  const reference = isValidRfReference(c.payment.reference) ? formatRfReference(c.payment.reference) : c.payment.reference;
  const iban = formatIban(c.payment.iban);
  // Polish payers know their accounts as the 26-digit NRB: "61 1090 1014 …", without "PL".
  const account = lang === 'pl' && iban.startsWith('PL') ? iban.slice(2) : iban;
  const codes = paymentCodes(event, due);
  const [qr, ...rest] = codes.svgs;
  return `<section class="slip">
  <h2>${escape(t.heading)}</h2>
  <div class="slip-grid">
    <table>
      <tbody>
        <tr><th scope="row">${escape(t.recipient)}</th><td>${escape(c.creditor.name)}</td></tr>
        <tr><th scope="row">${escape(t.account)}</th><td>${escape(account)}</td></tr>
        <tr><th scope="row">${escape(t.reference)}</th><td>${escape(reference)}</td></tr>
        <tr><th scope="row">${escape(t.amount)}</th><td>${escape(formatMoney(due.amount, c.currency, t.locale))}</td></tr>
      </tbody>
    </table>
    ${qr ? `<div class="qr">${qr}</div>` : ''}
  </div>
  ${rest.map((svg) => `<div class="barcode">${svg}</div>`).join('\n')}
  <p>${escape(t.useReference)}${codes.svgs.length ? ` ${escape((codes.barcode ? t.scanWithBarcode : undefined) ?? t.scan)}` : ''}</p>
</section>`;
}

export interface LetterPageOptions {
  /** Inline the fonts as data: URIs (a page that must render anywhere) instead of linking them. */
  embedFonts?: boolean;
}

export function letterPage(bodyHtml: string, event: CaseEvent, sender: Sender, lang: string, options: LetterPageOptions = {}): string {
  if (!Object.hasOwn(SLIP, lang)) throw new TemplateError(`letter: no page texts for language "${lang}"`);
  const debtor = event.debtor;
  return `<!doctype html>
<html lang="${escape(lang)}">
<head>
<meta charset="utf-8">
<title>${escape(event.case.reference)}</title>
<style>
  ${fontFaces(options.embedFonts === true)}
  /* Chromium (131 and later) prints @page margin boxes; page.pdf's footer template would take system fonts. */
  @page { size: A4; margin: 20mm 20mm 25mm 25mm; @bottom-right { content: counter(page) " / " counter(pages); font-family: "${FAMILY}"; font-size: 8pt; } }
  html { font-family: "${FAMILY}"; font-size: 10.5pt; line-height: 1.4; color: #000; }
  body { margin: 0; }
  /* The window zone of the envelope: 45–90 mm from the top, 20–110 mm from the left edge. */
  .window { position: absolute; top: 25mm; left: 0; width: 80mm; height: 45mm; }
  .return-address { height: 5mm; font-size: 7pt; white-space: nowrap; overflow: hidden; }
  .window address { font-style: normal; }
  .body { margin-top: 80mm; }
  table { border-collapse: collapse; margin: 4mm 0; }
  th, td { text-align: left; padding: 1mm 4mm 1mm 0; vertical-align: top; }
  caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
  h2 { font-size: 11pt; margin: 5mm 0 2mm; }
  .slip { break-inside: avoid; margin-top: 8mm; padding-top: 2mm; border-top: 0.3mm dashed #000; }
  .slip-grid { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm; }
  .slip .qr svg, .slip .barcode svg { display: block; }
  .slip .barcode { margin: 2mm 0; }
</style>
</head>
<body>
<div class="window">
  <div class="return-address">${escape(sender.name)}, ${escape([...sender.address.lines, `${sender.address.postalCode} ${sender.address.city}`].join(', '))}</div>
  <address>${lines(debtor.address, `${debtor.name.given} ${debtor.name.family}`)}</address>
</div>
<div class="body">
${bodyHtml}
</div>
${paymentSlip(event, lang as Lang)}
</body>
</html>
`;
}
