// The letter's A4 page as the service renders it for the PDF, made fit for a screen preview:
// - its @font-face rules point at an origin only the PDF renderer serves; the console's CSP blocks
//   them (and the browser would hide the text while it waits), so they are dropped and the frame
//   shows a system font — the PDF is the exact rendering;
// - on paper the @page margins place the body and the envelope window; on screen the same margins
//   are put on a positioned body, so the preview shows the letter where the paper has it.

const FONT_FACE = /@font-face\s*\{[^}]*letter-fonts\.invalid[^}]*\}/g;
const PAGE_MARGIN = /@page\s*\{[^{}]*?margin:\s*([^;{}]+);/;

export function screenPage(html: string): string {
  const margin = PAGE_MARGIN.exec(html)?.[1]?.trim() ?? '20mm';
  const screen = `<style>@media screen { html { background: #fff; } body { position: relative; display: flow-root; margin: ${margin}; } }</style>`;
  const withoutFonts = html.replace(FONT_FACE, '');
  return withoutFonts.includes('</head>') ? withoutFonts.replace('</head>', `${screen}</head>`) : `${screen}${withoutFonts}`;
}
