import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/case-event.ts';
import { TemplateError } from '../../src/errors.ts';
import { LETTER_FONT_ORIGIN, letterFontFiles, letterPage, slipPayment } from '../../src/rendering/letter-layout.ts';
import { SAMPLE_ENVIRONMENT } from '../../src/rendering/render-context.ts';
import { contractEvent } from '../support/fixtures.ts';

const sender = SAMPLE_ENVIRONMENT.sender;
const slipOf = (html: string): string => /<section class="slip">[^]*?<\/section>/.exec(html)?.[0] ?? '';
const svgCount = (html: string): number => html.match(/<svg /g)?.length ?? 0;
const withEvent = (name: Parameters<typeof contractEvent>[0], change: (e: CaseEvent) => CaseEvent): CaseEvent => change(contractEvent(name));

describe('the letter page', () => {
  it('links the fonts at the reserved origin, every one of them a file the PDF renderer can serve', () => {
    const html = letterPage('<p>x</p>', contractEvent('fi-case-opened'), sender, 'fi');
    const urls = [...html.matchAll(/url\((https:[^)]+)\)/g)].map((m) => m[1]);
    expect(urls.length).toBe(4);
    for (const url of urls) {
      expect(url?.startsWith(LETTER_FONT_ORIGIN)).toBe(true);
      expect(existsSync(letterFontFiles().get(url ?? '') ?? '')).toBe(true);
    }
    expect(html).not.toContain('data:font');
  });

  it('inlines the fonts when asked, for a page that must stand alone', () => {
    const html = letterPage('<p>x</p>', contractEvent('fi-case-opened'), sender, 'fi', { embedFonts: true });
    expect(html.match(/url\(data:font\/woff2;base64,/g)?.length).toBe(4);
    expect(html).not.toContain(LETTER_FONT_ORIGIN);
  });

  it('prints the Finnish slip with the EPC QR code and the bank barcode, the RF reference in groups of four', () => {
    const slip = slipOf(letterPage('<p>x</p>', contractEvent('fi-case-opened'), sender, 'fi'));
    expect(slip).toContain('<h2>Maksutiedot</h2>');
    expect(slip).toContain('RF47 1234 5678 90');
    expect(slip).toContain('191,55');
    expect(svgCount(slip)).toBe(2);
    expect(slip).toContain('QR-koodin tai viivakoodin');
  });

  it('prints the Polish slip with the ZBP QR code and the account as the 26-digit NRB', () => {
    const slip = slipOf(letterPage('<p>x</p>', contractEvent('pl-payment-missed'), sender, 'pl'));
    expect(slip).toContain('<h2>Dane do przelewu</h2>');
    expect(slip).toContain('<td>61 1090 1014 0000 0712 1981 2874</td>');
    expect(svgCount(slip)).toBe(1);
  });

  it('asks for the instalment, the plan’s instalment, or else the whole balance', () => {
    expect(slipPayment(contractEvent('it-payment-due'))).toEqual({ amount: '420.00', dueDate: '2026-11-30' });
    expect(slipPayment(contractEvent('pl-payment-missed'))).toEqual({ amount: '250.00' });
    expect(slipPayment(contractEvent('nl-plan-agreed'))).toEqual({ amount: '166.90', dueDate: '2026-12-01' });
    expect(slipPayment(contractEvent('fi-case-opened'))).toEqual({ amount: '191.55' });
  });

  it.each([
    ['a closing letter', withEvent('nl-plan-agreed', (e) => ({ ...e, type: 'case.closed' }))],
    ['a receipt', withEvent('pl-payment-missed', (e) => ({ ...e, type: 'payment.received', data: { payment: { amount: '250.00' } } }))],
    ['a letter while a dispute is open', withEvent('pl-payment-missed', (e) => ({ ...e, debtor: { ...e.debtor, flags: { ...e.debtor.flags, dispute: true } } }))],
    ['a letter to someone in insolvency', withEvent('fi-case-opened', (e) => ({ ...e, debtor: { ...e.debtor, flags: { ...e.debtor.flags, insolvency: true } } }))],
  ])('prints no payment slip on %s', (_label, event) => {
    const html = letterPage('<p>x</p>', event, sender, 'nl');
    expect(slipOf(html)).toBe('');
    expect(svgCount(html)).toBe(0);
  });

  it('keeps the text of the slip when a code cannot be built, and escapes what it prints', () => {
    // 12 000 zł does not fit the ZBP code's six digits of grosze: no code, the details stay.
    const event = withEvent('pl-payment-missed', (e) => ({ ...e, data: {}, case: { ...e.case, balance: { ...e.case.balance, total: '12000.00' }, creditor: { ...e.case.creditor, name: 'Telco <Polska>' } } }));
    const slip = slipOf(letterPage('<p>x</p>', event, sender, 'pl'));
    expect(slip.replace(/[\u00A0\u202F]/g, ' ')).toContain('<td>12 000,00 zł</td>');
    expect(slip).toContain('Telco &lt;Polska&gt;');
    expect(svgCount(slip)).toBe(0);
    expect(slip).not.toContain('kod QR');
  });

  it('refuses a language it has no page texts for', () => {
    expect(() => letterPage('<p>x</p>', contractEvent('fi-case-opened'), sender, 'sv')).toThrow(TemplateError);
    expect(() => letterPage('<p>x</p>', contractEvent('fi-case-opened'), sender, 'toString')).toThrow(TemplateError);
  });
});
