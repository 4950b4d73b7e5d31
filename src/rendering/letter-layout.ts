import Handlebars from 'handlebars';
import type { CaseEvent } from '../domain/case-event.ts';
import type { Sender } from './render-context.ts';

// The A4 page around a letter body: print CSS, the sender's return address, the recipient's
// address placed for a DL/C5 window envelope (DIN 5008 / EN 14406 position: 20 mm from the left,
// 45 mm from the top), and page numbers. No debt wording outside the body: an envelope window
// shows only the addresses.

const escape = (s: string): string => Handlebars.Utils.escapeExpression(s);
const lines = (a: { lines: readonly string[]; postalCode: string; city: string; country: string }, name?: string): string =>
  [...(name ? [name] : []), ...a.lines, `${a.postalCode} ${a.city}`.trim(), a.country].filter(Boolean).map(escape).join('<br>');

export function letterPage(bodyHtml: string, event: CaseEvent, sender: Sender, lang: string): string {
  const debtor = event.debtor;
  return `<!doctype html>
<html lang="${escape(lang)}">
<head>
<meta charset="utf-8">
<title>${escape(event.case.reference)}</title>
<style>
  @page { size: A4; margin: 20mm 20mm 25mm 25mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #000; }
  .return-address { position: absolute; top: 27mm; left: 0; font-size: 7pt; }
  .window { position: absolute; top: 25mm; left: 0; width: 85mm; height: 40mm; padding-top: 5mm; }
  .body { margin-top: 80mm; }
  table { border-collapse: collapse; margin: 4mm 0; }
  th, td { text-align: left; padding: 1mm 4mm 1mm 0; vertical-align: top; }
  caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
  h2 { font-size: 11pt; margin: 5mm 0 2mm; }
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
</body>
</html>
`;
}
