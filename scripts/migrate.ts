import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';

// npm run migrate: applies pending migrations to DATABASE_URL / DATABASE_SCHEMA.
const config = loadConfig();
const db = createDb({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 1 });
try {
  const { applied } = await migrate(db, config.databaseSchema);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
} finally {
  await db.end();
}
