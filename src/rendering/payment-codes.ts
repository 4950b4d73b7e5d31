// Payment codes printed on letters, so the debtor's banking app fills in the transfer and nothing
// has to be typed: the EPC QR code (euro), the Finnish bank barcode (FI accounts, RF references)
// and the Polish ZBP "2D" QR code (PLN). Pure functions; a payload that cannot be right (bad IBAN,
// RF check digits wrong, amount out of range) throws TemplateError instead of printing a code that
// would send money to the wrong place.

import bwipjs from 'bwip-js';
import QRCode from 'qrcode';
import { TemplateError } from '../errors.ts';

const DECIMAL = /^\d{1,13}(\.\d{1,4})?$/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** A non-negative decimal string as whole cents, rounded half up (as Intl rounds the printed amount). */
export function toCents(amount: string): number {
  if (!DECIMAL.test(amount)) throw new TemplateError('payment code: amount is not a non-negative decimal string');
  const [whole = '0', fraction = ''] = amount.split('.');
  const cents = Number(whole) * 100 + Number((fraction + '00').slice(0, 2));
  return Number(fraction[2] ?? '0') >= 5 ? cents + 1 : cents;
}

const centsText = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** ISO 7064 MOD 97-10 over letters-as-numbers (A=10 … Z=35): IBAN and ISO 11649 check digits. */
function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const value = Number.parseInt(ch, 36);
    rest = value > 9 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
  }
  return rest;
}

const compact = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

export function isValidIban(iban: string): boolean {
  const c = compact(iban);
  return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(c) && mod97(c.slice(4) + c.slice(0, 4)) === 1;
}

/** An ISO 11649 creditor reference ("RF" + 2 check digits + up to 21 letters or digits) whose check digits are right. */
export function isValidRfReference(reference: string): boolean {
  const c = compact(reference);
  return /^RF\d{2}[A-Z0-9]{1,21}$/.test(c) && mod97(c.slice(4) + c.slice(0, 4)) === 1;
}

/** The RF reference in groups of four, as ISO 11649 says to print it: "RF47 1234 5678 90". */
export function formatRfReference(reference: string): string {
  return compact(reference).replace(/(.{4})(?=.)/g, '$1 ');
}

/** Free text for a code: one line, no control characters, at most `max` characters (code points). */
function field(text: string, max: number): string {
  return [...text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()].slice(0, max).join('').trimEnd();
}

export interface EpcQrInput {
  /** Optional since version 002 inside the EEA. */
  bic?: string;
  /** The beneficiary (account holder); cut to 70 characters. */
  name: string;
  iban: string;
  /** Decimal string in euro, 0.01 … 999999999.99. */
  amount: string;
  currency: 'EUR';
  /** A valid RF reference goes into the structured field; anything else is remittance text (140). */
  reference: string;
  /** Beneficiary to originator information (70), shown to the payer by some apps. */
  text?: string;
}

const EPC_MAX_BYTES = 331;

/**
 * The EPC QR payload (EPC069-12, "Quick Response Code: Guidelines to Enable Data Capture for the
 * Initiation of a SEPA Credit Transfer", version 002): BCD, 002, character set 1 (UTF-8), SCT, BIC,
 * name, IBAN, EUR amount, purpose, structured reference or unstructured remittance (never both),
 * information; fields separated by LF, nothing after the last populated field, 331 bytes at most.
 */
export function epcQrPayload(input: EpcQrInput): string {
  if (input.currency !== 'EUR') throw new TemplateError('EPC QR: only euro payments');
  const iban = compact(input.iban);
  if (!isValidIban(iban)) throw new TemplateError('EPC QR: the IBAN is not valid');
  const bic = input.bic ? compact(input.bic) : '';
  if (bic && !/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) throw new TemplateError('EPC QR: the BIC is not valid');
  const name = field(input.name, 70);
  if (!name) throw new TemplateError('EPC QR: the beneficiary name is empty');
  const cents = toCents(input.amount);
  if (cents < 1 || cents > 99_999_999_999) throw new TemplateError('EPC QR: the amount is outside 0.01 … 999999999.99');
  const reference = compact(input.reference);
  // Something that claims to be an RF reference but fails its check digits is a data error, not text.
  if (/^RF\d{2}/.test(reference) && !isValidRfReference(reference)) {
    throw new TemplateError('EPC QR: the RF reference has wrong check digits');
  }
  const structured = isValidRfReference(reference) ? reference : '';
  const unstructured = structured ? '' : field(input.reference, 140);
  const lines = ['BCD', '002', '1', 'SCT', bic, name, iban, `EUR${centsText(cents)}`, '', structured, unstructured];
  const needed = (extra: string) => Buffer.byteLength([...lines, extra].join('\n').replace(/\n+$/, ''), 'utf8');
  // The fields' own limits add up to more than 331 bytes: the optional information gives way first.
  let info = field(input.text ?? '', 70);
  while (info && needed(info) > EPC_MAX_BYTES) info = field(info.slice(0, -1), 70);
  lines.push(info);
  while (lines.at(-1) === '') lines.pop();
  const payload = lines.join('\n');
  if (Buffer.byteLength(payload, 'utf8') > EPC_MAX_BYTES) throw new TemplateError('EPC QR: the payload is longer than 331 bytes');
  return payload;
}

export interface FinnishBarcodeInput {
  /** A Finnish IBAN (FI + 16 digits). */
  iban: string;
  /** Decimal string in euro, at most 999999.99 (the field has six digits of euros). */
  amount: string;
  /** An RF reference whose body is digits only (version 5 carries no letters). */
  reference: string;
  /** YYYY-MM-DD; without it the field is 000000 ("no due date"). */
  dueDate?: string;
}

/**
 * The Finnish bank barcode, symbol version 5 (Finance Finland, "Bank Bar Code Guide" v5.3), 54
 * digits: 5, the IBAN's 16 digits, euros (6) and cents (2), the RF check digits (2), the RF body
 * padded with zeros to 21 digits, and the due date YYMMDD (or 000000).
 */
export function finnishBankBarcode(input: FinnishBarcodeInput): string {
  const iban = compact(input.iban);
  if (!/^FI\d{16}$/.test(iban) || !isValidIban(iban)) throw new TemplateError('bank barcode: the account is not a valid Finnish IBAN');
  const cents = toCents(input.amount);
  if (cents > 99_999_999) throw new TemplateError('bank barcode: the amount exceeds 999999.99');
  const reference = compact(input.reference);
  if (!isValidRfReference(reference)) throw new TemplateError('bank barcode: the reference is not a valid RF reference');
  const body = reference.slice(4);
  if (!/^\d{1,21}$/.test(body)) throw new TemplateError('bank barcode: version 5 takes only digits after RF and the check digits');
  let due = '000000';
  if (input.dueDate !== undefined) {
    const m = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(input.dueDate);
    if (!m) throw new TemplateError('bank barcode: the due date is not YYYY-MM-DD');
    due = `${m[2]}${m[3]}${m[4]}`;
  }
  const euros = String(Math.floor(cents / 100)).padStart(6, '0');
  return `5${iban.slice(2)}${euros}${String(cents % 100).padStart(2, '0')}${reference.slice(2, 4)}${body.padStart(21, '0')}${due}`;
}

export interface ZbpQrInput {
  /** A Polish IBAN (PL + 26 digits) or the 26-digit NRB. */
  iban: string;
  /** Decimal string in PLN, at most 9999.99 (the field holds six digits of grosze). */
  amount: string;
  /** The recipient; cut to 20 characters. */
  name: string;
  /** The transfer title (tytuł przelewu); cut to 32 characters. */
  title: string;
  /** The recipient's NIP (10 digits), for companies; empty otherwise. */
  nip?: string;
}

/**
 * The Polish transfer QR code: Związek Banków Polskich, "Rekomendacja dotycząca kodu dwuwymiarowego
 * („2D”), umożliwiającego realizację polecenia przelewu oraz aktywację usług bankowych na rynku
 * polskim", 3 December 2013 (zbp.pl, "2013.12.03 - Rekomendacja - Standard 2D"). Nine fields
 * separated by "|", 160 characters at most:
 *   NIP (10, optional) | country (2) | account NRB (26 digits) | amount in grosze (6 digits) |
 *   recipient name (20) | title (32) | reserve 1 (20) | reserve 2 (12, Invoobill) | reserve 3 (24)
 * e.g. "|PL|61109010140000071219812874|127510|Telco Polska S.A.|KR2026000123|||" (field layout
 * cross-checked with the open implementations MarcinOrlowski/bank-qrcode-formatter and
 * IonBazan/pl-qr-payment, which follow the same recommendation).
 */
export function zbpQrPayload(input: ZbpQrInput): string {
  const account = compact(input.iban);
  const nrb = /^PL\d{26}$/.test(account) ? account.slice(2) : account;
  if (!/^\d{26}$/.test(nrb) || !isValidIban(`PL${nrb}`)) throw new TemplateError('ZBP QR: the account is not a valid Polish account number');
  const nip = input.nip ? input.nip.replace(/[\s-]/g, '') : '';
  if (nip && !/^\d{10}$/.test(nip)) throw new TemplateError('ZBP QR: the NIP is not 10 digits');
  const grosze = toCents(input.amount);
  if (grosze > 999_999) throw new TemplateError('ZBP QR: the amount exceeds 9999.99 (six digits of grosze)');
  const text = (s: string, max: number) => field(s.replace(/\|/g, ' '), max);
  const name = text(input.name, 20);
  const title = text(input.title, 32);
  if (!name || !title) throw new TemplateError('ZBP QR: the recipient name and the title are required');
  return [nip, 'PL', nrb, String(grosze).padStart(6, '0'), name, title, '', '', ''].join('|');
}

export interface SvgSize {
  /** Printed width of the symbol in millimetres (quiet zone included for QR codes). */
  widthMm: number;
}

/**
 * A QR code as one SVG path, error correction M (EPC069-12 asks for M; the ZBP code reads as well
 * with it). The payload goes in as a single byte segment of UTF-8, so every reader sees exactly
 * these bytes; the quiet zone is the four modules the QR standard requires.
 */
export function qrSvg(payload: string, size: SvgSize = { widthMm: 30 }): string {
  const qr = QRCode.create([{ data: Buffer.from(payload, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && qr.modules.get(row, col + run)) run++;
      d += `M${col + quiet} ${row + quiet}h${run}v1h-${run}z`;
      col += run;
    }
  }
  const box = n + 2 * quiet;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${box} ${box}" width="${size.widthMm}mm" height="${size.widthMm}mm" shape-rendering="crispEdges"><rect width="${box}" height="${box}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}

/** The EPC QR code of a euro payment as inline SVG (QR version 13 at most with M, as EPC069-12 allows). */
export function epcQrSvg(input: EpcQrInput, size?: SvgSize): string {
  return qrSvg(epcQrPayload(input), size);
}

/** The ZBP QR code of a PLN transfer as inline SVG. */
export function zbpQrSvg(input: ZbpQrInput, size?: SvgSize): string {
  return qrSvg(zbpQrPayload(input), size);
}

// Light margin either side of the bars, in modules: 22 × 0.3 mm ≈ 6.6 mm, wider than Code 128's 10 modules.
const QUIET_MODULES = 22;

/**
 * The bank barcode as Code 128 (an even run of digits: subset C throughout, 332 modules) in SVG.
 * Widths are set in millimetres so the printed module is `moduleMm` wide whatever the page scale.
 */
export function finnishBankBarcodeSvg(input: FinnishBarcodeInput, opts: { moduleMm?: number; heightMm?: number } = {}): string {
  const moduleMm = opts.moduleMm ?? 0.3;
  const heightMm = opts.heightMm ?? 13;
  const svg = bwipjs.toSVG({ bcid: 'code128', text: finnishBankBarcode(input), scale: 1, height: heightMm, includetext: false, paddingwidth: QUIET_MODULES });
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!box) throw new TemplateError('bank barcode: unexpected SVG from the barcode writer');
  const width = Number(box[1]) * moduleMm;
  return svg.replace('<svg ', `<svg width="${width.toFixed(2)}mm" height="${heightMm}mm" preserveAspectRatio="none" `);
}
