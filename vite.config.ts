import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The staff console: a single-page app served by the service at /console/ (src/http/console-static.ts).
// `npx vite` serves it on :5173 for development and forwards the API to a service on :3000.

const root = fileURLToPath(new URL('./src/console/web/', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/console/', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  // React 19's automatic runtime: components never import React for JSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir,
    emptyOutDir: true,
    // The CSP allows no inline script; the module preload polyfill is not needed by current browsers.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
