// npm run templates:export [-- --out dir]: writes the active template versions from the database
// into the catalogue's file layout (default: templates/), for review and version control.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/store/db.ts';
import { activeVersions } from '../src/store/template-versions-repo.ts';
import { exportVersions } from '../src/rendering/catalogue-export.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'templates') } } });
const config = loadConfig();
const db = createDb({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
try {
  const { versions } = await activeVersions(db);
  const written = await exportVersions(versions, values.out ?? path.join(root, 'templates'));
  process.stdout.write(`${written.length} files written to ${values.out}\n`);
} finally {
  await db.end();
}
