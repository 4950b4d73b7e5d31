import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// vitest globalSetup: the console tests need the built app. `npm ci` builds it (prepare); a
// checkout tested without it gets one build here, not a confusing 503 in every browser test.
export default function setup(): void {
  if (existsSync(new URL('../../dist/console/index.html', import.meta.url))) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', cwd: new URL('../..', import.meta.url).pathname });
}
