// The letter's A4 page as the service renders it for the PDF, made fit for a screen preview:
// - its @font-face rules point at an origin only the PDF renderer serves; on screen they point at
//   the same files served by the console (/console/letter-fonts/), so the page has the letter's font;
// - on paper the @page margins place the body and the envelope window; on screen the same margins
//   are put on a positioned body, so the preview shows the letter where the paper has it.

const FONT_ORIGIN = 'https://letter-fonts.invalid/';
const PAGE_MARGIN = /@page\s*\{[^{}]*?margin:\s*([^;{}]+);/;

export function screenPage(html: string): string {
  const margin = PAGE_MARGIN.exec(html)?.[1]?.trim() ?? '20mm';
  const screen = `<style>@media screen { html { background: #fff; } body { position: relative; display: flow-root; margin: ${margin}; } }</style>`;
  const fonts = `${window.location.origin}/console/letter-fonts/`;
  const page = html.replaceAll(FONT_ORIGIN, fonts);
  return page.includes('</head>') ? page.replace('</head>', `${screen}</head>`) : `${screen}${page}`;
}
