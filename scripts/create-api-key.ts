import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { createApiKey } from '../src/store/api-keys-repo.ts';

// npm run api-key -- --name "case system A": prints a new REST API key once; only its hash is stored.
const { values } = parseArgs({ options: { name: { type: 'string', default: 'default' } } });
const config = loadConfig();
const db = createDb({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
try {
  await migrate(db, config.databaseSchema);
  const created = await createApiKey(db, values.name ?? 'default');
  process.stdout.write(`${created.key}\n`);
  process.stderr.write(`API key ${created.id} (${created.name}) created; it is shown only this once.\n`);
} finally {
  await db.end();
}
