import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.ts';
import {
  epcQrPayload,
  epcQrSvg,
  finnishBankBarcode,
  finnishBankBarcodeSvg,
  formatRfReference,
  isValidIban,
  isValidRfReference,
  toCents,
  zbpQrPayload,
} from '../../src/rendering/payment-codes.ts';

describe('check digits', () => {
  it.each(['FI2112345600000785', 'IT60X0542811101000000123456', 'NL91ABNA0417164300', 'PL61109010140000071219812874', 'DE89 3704 0044 0532 0130 00'])('accepts the published example IBAN %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it.each(['FI2112345600000786', 'NL91ABNA0417164301', 'XX', 'FI21 1234'])('refuses %s', (iban) => {
    expect(isValidIban(iban)).toBe(false);
  });

  it('checks ISO 11649 RF references (the standard’s example RF18 5390 0754 7034, the contract’s RF47…)', () => {
    expect(isValidRfReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidRfReference('RF471234567890')).toBe(true);
    expect(isValidRfReference('RF09868516259619897')).toBe(true);
    expect(isValidRfReference('RF19 5390 0754 7034')).toBe(false);
    expect(isValidRfReference('RF48 1234567890')).toBe(false);
    expect(isValidRfReference('1234567890')).toBe(false);
    expect(formatRfReference('RF471234567890')).toBe('RF47 1234 5678 90');
  });

  it('turns decimal strings into cents without floats, half up', () => {
    expect([toCents('191.55'), toCents('7'), toCents('0.005'), toCents('12.3449'), toCents('9999999999999.99')]).toEqual([19155, 700, 1, 1234, 999999999999999]);
    expect(() => toCents('-1.00')).toThrow(TemplateError);
  });
});

describe('Finnish bank barcode, version 5', () => {
  // The examples of Finance Finland's "Bank Bar Code Guide" v5.3, section 10 (symbol version 5).
  it.each([
    ['FI79 4405 2020 0360 82', '4883.15', 'RF09 8685 1625 9619 897', '2010-06-12', '579440520200360820048831509000000868516259619897100612'],
    ['FI58 1017 1000 0001 22', '482.99', 'RF06 5595 8224 3294 671', '2010-01-31', '558101710000001220004829906000000559582243294671100131'],
    ['FI02 5000 4640 0013 02', '693.80', 'RF02 6987 5672 0834', '2011-07-24', '502500046400013020006938002000000000698756720834110724'],
    ['FI15 6601 0001 5306 41', '7444.54', 'RF84 7758 4747 9064 7489', '2019-12-19', '515660100015306410074445484000007758474790647489191219'],
    ['FI16 8000 1400 0502 67', '935.85', 'RF60 7877 7679 6566 2868 7', undefined, '516800014000502670009358560000078777679656628687000000'],
    ['FI73 3131 3001 0000 58', '0.00', 'RF10 8686 24', '2013-08-09', '573313130010000580000000010000000000000000868624130809'],
    ['FI83 3301 0001 1007 75', '150000.20', 'RF71 9212 5374 2525 3989 7737', '2016-05-25', '583330100011007751500002071092125374252539897737160525'],
    ['FI39 3636 3002 0924 92', '1.03', 'RF66 5907 3839 0', '2023-03-11', '539363630020924920000010366000000000000590738390230311'],
    ['FI92 3939 0001 0033 91', '0.02', 'RF95 1357 914', '2099-12-24', '592393900010033910000000295000000000000001357914991224'],
  ])('%s %s %s → the guide’s 54 digits', (iban, amount, reference, dueDate, expected) => {
    const code = finnishBankBarcode({ iban, amount, reference, ...(dueDate ? { dueDate } : {}) });
    expect(code).toBe(expected);
    expect(code).toHaveLength(54);
  });

  it('refuses what it cannot encode rather than print a wrong code', () => {
    const good = { iban: 'FI2112345600000785', amount: '191.55', reference: 'RF471234567890' };
    expect(() => finnishBankBarcode({ ...good, reference: 'RF481234567890' })).toThrow(/check digits|not a valid RF/);
    expect(() => finnishBankBarcode({ ...good, reference: 'RF35123ABCZ' })).toThrow(/only digits/);
    expect(() => finnishBankBarcode({ ...good, iban: 'NL91ABNA0417164300' })).toThrow(/Finnish IBAN/);
    expect(() => finnishBankBarcode({ ...good, amount: '1000000.00' })).toThrow(/999999\.99/);
  });

  it('draws Code 128 in subset C: 332 modules plus the quiet zones', () => {
    const svg = finnishBankBarcodeSvg({ iban: 'FI2112345600000785', amount: '191.55', reference: 'RF471234567890' }, { moduleMm: 0.3 });
    expect(svg).toMatch(/viewBox="0 0 376 \d+"/);
    expect(svg).toMatch(/width="112\.80mm" height="13mm"/);
  });
});

describe('EPC QR code (EPC069-12, version 002)', () => {
  it('writes the published example (de.wikipedia "EPC-QR-Code"): unstructured remittance, no trailing separator', () => {
    const payload = epcQrPayload({ bic: 'BFSWDE33BER', name: 'Wikimedia Foerdergesellschaft', iban: 'DE33100205000001194700', amount: '123.45', currency: 'EUR', reference: 'Spende fuer Wikipedia' });
    expect(payload).toBe('BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR123.45\n\n\nSpende fuer Wikipedia');
  });

  it('puts an RF reference in the structured field (line 10) and leaves the unstructured one empty', () => {
    const payload = epcQrPayload({ name: 'Energia Oy', iban: 'FI21 1234 5600 0007 85', amount: '191.55', currency: 'EUR', reference: 'RF47 1234 5678 90', text: 'Asia 4711-2026' });
    expect(payload.split('\n')).toEqual(['BCD', '002', '1', 'SCT', '', 'Energia Oy', 'FI2112345600000785', 'EUR191.55', '', 'RF471234567890', '', 'Asia 4711-2026']);
  });

  it('keeps every field within its limit and the payload within 331 bytes', () => {
    const long = epcQrPayload({ name: 'N'.repeat(90), iban: 'NL91ABNA0417164300', amount: '999999999.99', currency: 'EUR', reference: 'x'.repeat(200), text: 't'.repeat(90) });
    const lines = long.split('\n');
    // 70 + 140 + 70 characters and the fixed fields exceed 331 bytes: the information field gives way.
    expect([lines[5]?.length, lines[7], lines[10]?.length, lines[11]?.length]).toEqual([70, 'EUR999999999.99', 140, 67]);
    expect(Buffer.byteLength(long)).toBe(331);
    expect(() => epcQrPayload({ name: '€'.repeat(70), iban: 'NL91ABNA0417164300', amount: '1', currency: 'EUR', reference: '€'.repeat(140) })).toThrow(/331 bytes/);
  });

  it('takes out line breaks and control characters, which would shift every later field', () => {
    const payload = epcQrPayload({ name: 'Zorg\nverzekeraar\tN.V.', iban: 'NL91ABNA0417164300', amount: '166.9', currency: 'EUR', reference: 'INC\r\n552201' });
    expect(payload.split('\n')).toEqual(['BCD', '002', '1', 'SCT', '', 'Zorg verzekeraar N.V.', 'NL91ABNA0417164300', 'EUR166.90', '', '', 'INC 552201']);
  });

  it.each([
    ['an invalid IBAN', { iban: 'NL91ABNA0417164301' }, /IBAN/],
    ['a zero amount', { amount: '0.00' }, /0\.01/],
    ['an amount too large', { amount: '1000000000.00' }, /999999999\.99/],
    ['an RF reference with wrong check digits', { reference: 'RF19 5390 0754 7034' }, /check digits/],
    ['a malformed BIC', { bic: 'ABNA' }, /BIC/],
    ['an empty name', { name: ' \n ' }, /name/],
  ])('refuses %s', (_label, change, expected) => {
    const input = { name: 'Zorgverzekeraar Voorbeeld N.V.', iban: 'NL91ABNA0417164300', amount: '166.90', currency: 'EUR' as const, reference: 'INC552201', ...change };
    expect(() => epcQrPayload(input)).toThrow(expected);
  });

  it('renders a QR code as inline SVG with its quiet zone', () => {
    const svg = epcQrSvg({ name: 'Energia Oy', iban: 'FI2112345600000785', amount: '191.55', currency: 'EUR', reference: 'RF471234567890' }, { widthMm: 32 });
    // 69 bytes in byte mode with error correction M need version 5: 37 modules + 2 × 4 quiet.
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 45 45" width="32mm" height="32mm"/);
    expect(svg).toContain('<path fill="#000" d="M4 4h7v1h-7z');
  });
});

describe('Polish transfer QR code (ZBP recommendation "2D", 2013)', () => {
  it('lays out the nine fields: NIP | PL | NRB | grosze | name | title | reserves', () => {
    expect(zbpQrPayload({ iban: 'PL61 1090 1014 0000 0712 1981 2874', amount: '1275.10', name: 'Telco Polska S.A.', title: 'KR2026000123' })).toBe('|PL|61109010140000071219812874|127510|Telco Polska S.A.|KR2026000123|||');
    expect(zbpQrPayload({ iban: '61109010140000071219812874', amount: '123.99', name: 'Acme Inc.', title: 'Payment title', nip: '012-345-67-89' })).toBe('0123456789|PL|61109010140000071219812874|012399|Acme Inc.|Payment title|||');
  });

  it('cuts the name to 20 and the title to 32 characters, keeps Polish letters, drops the separator', () => {
    const payload = zbpQrPayload({ iban: 'PL61109010140000071219812874', amount: '0.5', name: 'Przedsiębiorstwo Łączności Żółć Sp. z o.o.', title: 'Sprawa KR/2026/000123 | rata nr 3 za listopad' });
    const fields = payload.split('|');
    expect(fields).toHaveLength(9);
    expect(fields[3]).toBe('000050');
    expect(fields[4]).toBe('Przedsiębiorstwo Łąc');
    expect(fields[5]).toBe('Sprawa KR/2026/000123 rata nr 3');
    expect(payload.length).toBeLessThanOrEqual(160);
  });

  it('refuses a foreign or broken account and amounts beyond six digits of grosze', () => {
    const good = { iban: 'PL61109010140000071219812874', amount: '250.00', name: 'Telco Polska S.A.', title: 'KR2026000123' };
    expect(() => zbpQrPayload({ ...good, iban: 'PL61109010140000071219812875' })).toThrow(/account/);
    expect(() => zbpQrPayload({ ...good, iban: 'DE89370400440532013000' })).toThrow(/account/);
    expect(() => zbpQrPayload({ ...good, amount: '10000.00' })).toThrow(/9999\.99/);
  });
});
