import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problem, sendProblem } from './problem.ts';
import { letterFontFiles, LETTER_FONT_ORIGIN } from '../rendering/letter-layout.ts';

export const CONSOLE_DIST = new URL('../../dist/console/', import.meta.url).pathname;

/**
 * The console's own pages forbid inline scripts, eval and other origins, so a template's
 * script can run nowhere: not in the console, and not in a preview (whose frame is sandboxed too).
 * CodeMirror sets element styles, hence inline styles only.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** GET /console/…: the built single-page app; any path that is not a file is the app's own route. */
export default async function consoleStatic(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? CONSOLE_DIST;
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/console')) return payload;
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Built assets carry their content hash in the name; the page itself must always be fresh.
    reply.header('cache-control', request.url.startsWith('/console/assets/') && reply.statusCode === 200 ? 'public, max-age=31536000, immutable' : 'no-store');
    return payload;
  });
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/', 302));

  // The letter's own fonts, so the on-screen page looks like the PDF. The preview frame is
  // sandboxed (an opaque origin), and a font from another origin needs CORS.
  const fonts = new Map([...letterFontFiles()].map(([url, file]) => [url.slice(LETTER_FONT_ORIGIN.length), file]));
  app.get<{ Params: { file: string } }>('/console/letter-fonts/:file', { schema: { hide: true } }, async (request, reply) => {
    const file = fonts.get(request.params.file);
    if (!file) return sendProblem(reply, problem(404, 'not-found', 'Not found', 'No such letter font.'));
    reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=86400').type('font/woff2');
    return reply.send(await readFile(file));
  });
  if (!existsSync(`${root}/index.html`)) {
    app.get('/console/*', { schema: { hide: true } }, (_request, reply) =>
      sendProblem(reply, problem(503, 'console-not-built', 'The console is not built', 'Run "npm run build" (npm ci does it too).')),
    );
    return;
  }
  // The files are listed once at start (a deployment is a restart): a path that is not one of
  // them is the app's own route, except under assets/, where it is a file that does not exist.
  await app.register(fastifyStatic, { root, prefix: '/console/', wildcard: false, index: false, serveDotFiles: false });
  app.get('/console/*', { schema: { hide: true } }, (request, reply) =>
    request.url.startsWith('/console/assets/') ? sendProblem(reply, problem(404, 'not-found', 'Not found', 'No such console file; the console may have been rebuilt since the service started.')) : reply.sendFile('index.html'),
  );
}
