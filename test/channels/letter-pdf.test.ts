// Letters through the real Chromium, read back with poppler-utils and zbar-tools: the text with
// its diacritics, the embedded fonts, the A4 size, the address in the envelope window, and the
// payment codes decoded from a 200 dpi image of the printed page.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdfRenderer, type PdfRenderer, type PdfRendererStats } from '../../src/channels/letter/pdf-renderer.ts';
import { loadCatalogue, type Catalogue } from '../../src/rendering/catalogue.ts';
import { sampleFor } from '../../src/rendering/catalogue-check.ts';
import { letterPage } from '../../src/rendering/letter-layout.ts';
import { contractEvent } from '../support/fixtures.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MM = 72 / 25.4;

type Fixture = Parameters<typeof contractEvent>[0];
interface Expected {
  fixture: Fixture;
  template: string;
  texts: string[];
  /** The first page's address block, line by line. */
  address: string[];
  qr: string;
  barcode?: string;
}

const LETTERS: Expected[] = [
  {
    fixture: 'fi-case-opened',
    template: 'case-opened',
    texts: ['Aino Mäkelä', 'Hämeenkatu 12 B 7', 'Maksutiedot', 'Saajan tilinumero (IBAN) FI21 1234 5600 0007 85', 'Viitenumero RF47 1234 5678 90', 'Summa 191,55 €', 'Perijä', 'Käytä maksaessasi aina viitenumeroa.'],
    address: ['Aino Mäkelä', 'Hämeenkatu 12 B 7', '33100 Tampere'],
    qr: 'BCD\n002\n1\nSCT\n\nEnergia Oy\nFI2112345600000785\nEUR191.55\n\nRF471234567890',
    barcode: '521123456000007850001915547000000000001234567890000000',
  },
  {
    fixture: 'it-payment-due',
    template: 'payment-missed',
    texts: ['Giulia Esposito', 'Dati per il pagamento', 'IBAN IT60 X054 2811 1010 0000 0123 456', 'Causale PR-889900', 'Importo 420,00 €', 'rata n. 2, di 420,00 €', "Se non è d'accordo", 'Può anche inquadrare il codice QR'],
    address: ['Giulia Esposito', 'Via Toledo 156', '80134 Napoli'],
    qr: 'BCD\n002\n1\nSCT\n\nBanca Esempio S.p.A.\nIT60X0542811101000000123456\nEUR420.00\n\n\nPR-889900',
  },
  {
    fixture: 'nl-plan-agreed',
    template: 'plan-agreed',
    texts: ['Sanne de Vries', 'Betaalgegevens', 'Rekeningnummer (IBAN) NL91 ABNA 0417 1643 00', 'Betalingskenmerk INC552201', 'Bedrag € 166,90', 'Elke termijn is € 166,90', 'U kunt ook de QR-code scannen'],
    address: ['Sanne de Vries', 'Keizersgracht 123', '1015 CJ Amsterdam'],
    qr: 'BCD\n002\n1\nSCT\n\nZorgverzekeraar Voorbeeld N.V.\nNL91ABNA0417164300\nEUR166.90\n\n\nINC552201',
  },
  {
    fixture: 'pl-payment-missed',
    template: 'payment-missed',
    texts: ['Jan Kowalski', 'ul. Długa 5 m. 12', 'Dane do przelewu', 'Numer rachunku 61 1090 1014 0000 0712 1981 2874', 'Tytuł przelewu KR2026000123', 'Kwota 250,00 zł', 'Nie odnotowaliśmy jeszcze wpłaty raty nr 3', 'Mogą Państwo także zeskanować kod QR'],
    address: ['Jan Kowalski', 'ul. Długa 5 m. 12', '00-238 Warszawa'],
    qr: '|PL|61109010140000071219812874|025000|Telco Polska S.A.|KR2026000123|||',
  },
];

/** Text as poppler prints it, with every kind of space (Intl puts narrow no-break ones in amounts) made one. */
const plain = (text: string): string => text.replace(/[\s\u00A0\u202F\u2007]+/g, ' ');

/** zbarimg restricted to one symbology; exit status 4 means "nothing found". */
async function decode(png: string, symbology: 'qrcode' | 'code128'): Promise<string | null> {
  try {
    const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sdisable', `-S${symbology}.enable`, png]);
    return stdout.replace(/\n$/, '');
  } catch (err) {
    if ((err as { code?: number }).code === 4) return null;
    throw err;
  }
}

interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}
function wordsOf(bboxHtml: string): Word[] {
  const pattern = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  return [...bboxHtml.matchAll(pattern)].map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5] ?? '' }));
}

let dir: string;
let catalogue: Catalogue;
let renderer: PdfRenderer & { stats(): PdfRendererStats };
const pdfs = new Map<Fixture, string>();

function pageFor(expected: Expected): string {
  const { event, environment } = sampleFor(expected.template, contractEvent(expected.fixture), 'letter');
  const m = catalogue.render(expected.template, 'letter', event, environment);
  return letterPage(m.parts.html ?? '', event, environment.sender, m.locale);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'letter-pdf-'));
  catalogue = await loadCatalogue({ templatesDir: path.join(ROOT, 'templates'), localesDir: path.join(ROOT, 'locales') });
  renderer = await createPdfRenderer({ chromiumPath: CHROMIUM, pages: 2 });
  // Four letters at once through two pages: two of them wait for a free page.
  const rendering = LETTERS.map((l) => renderer.render(pageFor(l)));
  expect(renderer.stats()).toMatchObject({ pages: 2, busy: 2, waiting: 2 });
  const buffers = await Promise.all(rendering);
  for (const [i, l] of LETTERS.entries()) {
    const file = path.join(dir, `${l.fixture}.pdf`);
    await writeFile(file, buffers[i] ?? Buffer.alloc(0));
    pdfs.set(l.fixture, file);
  }
  expect(renderer.stats()).toMatchObject({ pages: 2, busy: 0, waiting: 0 });
});

afterAll(async () => {
  await renderer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(LETTERS)('the $fixture letter ($template)', (expected) => {
  const pdf = () => pdfs.get(expected.fixture) ?? '';

  it('is A4 and numbers its pages', async () => {
    const info = (await run('pdfinfo', [pdf()])).stdout;
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    expect(Number(size?.[1])).toBeCloseTo(595, 0);
    expect(Number(size?.[2])).toBeCloseTo(842, 0);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    const text = plain((await run('pdftotext', ['-layout', pdf(), '-'])).stdout);
    for (let page = 1; page <= pages; page++) expect(text).toMatch(new RegExp(`\\b${page} ?/ ?${pages}\\b`));
  });

  it('embeds every font it uses, and only the letter font', async () => {
    const rows = (await run('pdffonts', [pdf()])).stdout.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [name, ...rest] = row.trim().split(/\s+/);
      expect(name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      // name, type (two words), encoding, emb, sub, uni, object id (two)
      expect(rest.at(-5)).toBe('yes');
    }
  });

  it('reads back with its diacritics, the amount in the local format and the payment details', async () => {
    const text = plain((await run('pdftotext', ['-layout', pdf(), '-'])).stdout);
    for (const t of expected.texts) expect(text).toContain(t);
  });

  it('places the recipient’s address in the envelope window (45–90 mm from the top, 20–105 mm from the left)', async () => {
    const words = wordsOf((await run('pdftotext', ['-bbox', '-f', '1', '-l', '1', pdf(), '-'])).stdout);
    for (const line of expected.address) {
      for (const token of line.split(' ')) {
        // The first time a word is printed is in the address block (the greeting comes later).
        const word = words.find((w) => w.text === token);
        expect(word, token).toBeDefined();
        expect(word!.yMin / MM).toBeGreaterThanOrEqual(45);
        expect(word!.yMax / MM).toBeLessThanOrEqual(90);
        expect(word!.xMin / MM).toBeGreaterThanOrEqual(20);
        expect(word!.xMax / MM).toBeLessThanOrEqual(105);
      }
    }
  });

  it('carries payment codes that decode to the right account, amount and reference', async () => {
    const prefix = path.join(dir, expected.fixture);
    await run('pdftoppm', ['-r', '200', '-png', pdf(), prefix]);
    const images = (await readdir(dir)).filter((f) => f.startsWith(`${expected.fixture}-`) && f.endsWith('.png')).map((f) => path.join(dir, f));
    const qr = (await Promise.all(images.map((png) => decode(png, 'qrcode')))).filter((s) => s !== null);
    const bars = (await Promise.all(images.map((png) => decode(png, 'code128')))).filter((s) => s !== null);
    expect(qr).toEqual([expected.qr]);
    expect(bars).toEqual(expected.barcode ? [expected.barcode] : []);
  });
});

describe('the page pool', () => {
  it('lets the page reach nothing on the network, not even a speculative connection', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('x'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const url of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        const html = `<!doctype html><link rel="preconnect" href="${url}"><link rel="stylesheet" href="${url}/a.css"><p>Żółć<img src="${url}/b.png"></p><iframe src="${url}/c"></iframe><script>fetch("${url}/d")</script>`;
        const pdf = await renderer.render(html);
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      }
      // A connection would have been accepted by now: rendering took longer than any local connect.
      expect(connections).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('replaces a page whose renderer process crashed and goes on rendering', async () => {
    const before = renderer.stats().replaced;
    const killed = await killChromium((args) => args.includes('--type=renderer'));
    expect(killed).toBeGreaterThan(0);
    const page = pageFor(LETTERS[0]!);
    const again = await Promise.all([renderer.render(page), renderer.render(page)]);
    for (const pdf of again) expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(renderer.stats().replaced).toBeGreaterThan(before);
    expect(renderer.stats().pages).toBe(2);
  });

  it('starts another browser when the browser itself died', async () => {
    // The browser process: Chromium's own binary without a --type (its children all have one).
    const killed = await killChromium((args) => /\/chromium(\s|$)/.test(args.split(' --')[0] ?? '') && !args.includes('--type='));
    expect(killed).toBe(1);
    const page = pageFor(LETTERS[3]!);
    const again = await Promise.all([renderer.render(page), renderer.render(page), renderer.render(page)]);
    for (const pdf of again) expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(renderer.stats()).toMatchObject({ pages: 2, busy: 0, waiting: 0 });
  });
});

/** SIGKILLs the Chromium processes started by this test process (and nothing else) whose command line matches. */
async function killChromium(matches: (args: string) => boolean): Promise<number> {
  const children = new Map<number, number[]>();
  const args = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      args.set(Number(entry), (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' '));
    } catch {
      // The process ended while we looked.
    }
  }
  const descendants: number[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      descendants.push(child);
      visit(child);
    }
  };
  visit(process.pid);
  const chosen = descendants.filter((pid) => matches(args.get(pid) ?? ''));
  for (const pid of chosen) process.kill(pid, 'SIGKILL');
  return chosen.length;
}
