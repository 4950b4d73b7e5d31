import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

// Letter PDFs for the console: of text not yet saved, and of a stored version. Rendering needs
// Debian's chromium (installed by .ci/run); the answers that come before rendering are tested
// everywhere, and a renderer that cannot start answers 503, not 500.

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const hasPdftotext = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].some((p) => existsSync(p));

const letterHtml = () => readFile(path.join(ROOT, 'templates/letter/case-opened.fi.html.hbs'), 'utf8');
const json = (auth: Record<string, string>) => ({ ...auth, 'content-type': 'application/json' });

async function pdfText(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'console-pdf-'));
  try {
    await writeFile(path.join(dir, 'a.pdf'), bytes);
    return (await run('pdftotext', ['-layout', path.join(dir, 'a.pdf'), '-'])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('letter PDF previews where Chromium cannot start', () => {
  let h: Harness;
  let auth: Record<string, string>;
  beforeAll(async () => {
    h = await createHarness({ env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
    auth = { authorization: `Bearer ${h.apiKey}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 503 with a problem, after the checks that need no browser', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', headers: json(auth), payload: { parts: { html: await letterHtml() }, sample: 'FI' } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ type: expect.stringContaining('pdf-preview-unavailable') });
  });

  it('answers 422 with located problems for a letter that does not compile, 400 without a sample, 404 for a template without letters', async () => {
    const broken = await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', headers: json(auth), payload: { parts: { html: '<p>\n{{#if case.id}}\n</p>' }, sample: 'FI' } });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().problems).toEqual([{ part: 'html', line: expect.any(Number), problem: expect.stringContaining('does not compile') }]);
    expect((await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', headers: json(auth), payload: { parts: { html: 'x' } } })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: '/v1/templates/payment-due/letter/fi/preview.pdf', headers: json(auth), payload: { parts: { html: 'x' }, sample: 'FI' } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', payload: { parts: { html: 'x' }, sample: 'FI' } })).statusCode).toBe(401);
  });

  it('a stored version: 404 for an unknown id or a version that is not a letter', async () => {
    expect((await h.app.inject({ url: '/v1/template-versions/999999/preview.pdf', headers: auth })).statusCode).toBe(404);
    const versions = (await h.app.inject({ url: '/v1/templates/case-opened/sms/fi/versions', headers: auth })).json();
    const notLetter = await h.app.inject({ url: `/v1/template-versions/${versions.versions[0].id}/preview.pdf`, headers: auth });
    expect(notLetter.statusCode).toBe(404);
    expect(notLetter.json()).toMatchObject({ type: expect.stringContaining('not-a-letter') });
    expect((await h.app.inject({ url: `/v1/template-versions/${versions.versions[0].id}/preview.pdf?sample=DE`, headers: auth })).statusCode).toBe(400);
  });

  it('the live JSON preview of a letter still answers at the same path prefix', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview', headers: json(auth), payload: { parts: { html: await letterHtml() }, sample: 'FI' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().samples[0].letterPage).toContain('<!doctype html>');
  });
});

describe('letter PDF previews with a browser that cannot start', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ channels: ['letter'], env: { CHROMIUM_PATH: '/nonexistent/chromium' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 503 and logs no page content', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', headers: json({ authorization: `Bearer ${h.apiKey}` }), payload: { parts: { html: await letterHtml() }, sample: 'FI' } });
    expect(res.statusCode).toBe(503);
    const logged = h.logLines.join('\n');
    expect(logged).toContain('letter preview PDF failed');
    expect(logged).not.toContain('Hämeenkatu');
    expect(logged).not.toContain('Aino');
  });
});

describe.skipIf(!hasChromium)('letter PDF previews through Chromium', () => {
  let h: Harness;
  let auth: Record<string, string>;
  beforeAll(async () => {
    h = await createHarness({ channels: ['letter'] });
    auth = { authorization: `Bearer ${h.apiKey}` };
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('renders unsaved letter text as a PDF, and runs none of its scripts', async () => {
    const html = `${await letterHtml()}\n<script>document.body.innerHTML = 'PWNED-BY-SCRIPT'</script>`;
    const res = await h.app.inject({ method: 'POST', url: '/v1/templates/case-opened/letter/fi/preview.pdf', headers: json(auth), payload: { parts: { html }, sample: 'FI' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="case-opened.fi.FI.pdf"');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (hasPdftotext) {
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('Hämeenkatu 12 B 7');
      expect(text).not.toContain('PWNED-BY-SCRIPT');
    }
  }, 60_000);

  it('renders a stored letter version with the sample of its language by default', async () => {
    const versions = (await h.app.inject({ url: '/v1/templates/case-opened/letter/nl/versions', headers: auth })).json();
    const res = await h.app.inject({ url: `/v1/template-versions/${versions.versions[0].id}/preview.pdf`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('inline; filename="case-opened.nl.v1.NL.pdf"');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (hasPdftotext) expect(await pdfText(res.rawPayload)).toContain('Sanne de Vries');
  }, 60_000);
});
