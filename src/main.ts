import { loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { createLogger } from './logger.ts';
import { createServices } from './services.ts';
import { migrate } from './store/migrate.ts';
import { ensureApiKey } from './store/api-keys-repo.ts';
import { buildApp } from './app.ts';
import { ensureFirstAdmin } from './console/staff-accounts.ts';
import { openTemplateStore, startWorkerRole } from './runtime.ts';

// Process entry: ROLE=api | worker | all (default all).

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const services = createServices(config, log);
  const { applied } = await migrate(services.db, config.databaseSchema);
  if (applied.length) log.info({ applied }, 'database migrated');
  if (config.bootstrapApiKey) await ensureApiKey(services.db, 'bootstrap (BOOTSTRAP_API_KEY)', config.bootstrapApiKey);
  if ((await ensureFirstAdmin(services.db, config.console.firstAdmin)) === 'created') log.info('first console admin created from STAFF_ADMIN_USERNAME');

  // A worker serves /healthz, /readyz and /metrics only, so it can be probed and scraped too.
  const templates = await openTemplateStore(services);
  const app = await buildApp(services, { opsOnly: config.role === 'worker', templates });
  const workers = config.role === 'api' ? null : await startWorkerRole(services, undefined, templates);
  await app.listen({ port: config.port, host: config.host });
  log.info({ role: config.role, port: config.port }, 'debtor-comms started');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await app.close();
    await workers?.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.name : 'error'} during start\n${err instanceof Error ? (err.stack ?? '') : ''}\n`);
  process.exit(1);
});
