import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel } from './domain/case-event.ts';
import type { ChannelAdapter } from './channels/channel-adapter.ts';
import { closeAdapters, createAdapters as createChannelAdapters, sendingChannels } from './channels/registry.ts';
import { loadPlaybooks } from './domain/playbook.ts';
import { loadCatalogue } from './rendering/catalogue.ts';
import { createTemplateStore, type TemplateStore } from './rendering/template-store.ts';
import { catalogueRenderer, contentTexts } from './rendering/message-renderer.ts';
import type { Catalogue } from './rendering/catalogue.ts';
import type { RenderEnvironment } from './rendering/render-context.ts';
import type { Config } from './config.ts';
import { signedLink } from './rendering/signed-links.ts';
import { unsubscribeUrl } from './http/unsubscribe-route.ts';
import { redisOptions, type Services } from './services.ts';
import { startWorkers, type RunningWorkers } from './jobs/workers.ts';
import { startBodyRetention } from './jobs/retention.ts';
import type { PlannerDeps } from './jobs/message-planner.ts';
import { enqueueFallbacks } from './jobs/queues.ts';
import { startPrintHouse } from './channels/letter/print-house.ts';
import { startForwarder } from './forwarding/forwarder.ts';
import { startStatusFeed } from './forwarding/status-feed.ts';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The channel registry (channels/registry.ts) with this process's configuration and clock. */
export function createAdapters(services: Services, catalogue?: Catalogue): Map<Channel, ChannelAdapter> {
  return createChannelAdapters(services.config, services.db, services.log, services.now, catalogue ? contentTexts(catalogue) : new Map());
}

/** The sender and links every message renders with, from configuration. */
export function renderEnvironment(config: Config): RenderEnvironment {
  return {
    sender: config.sender,
    // Pay and unsubscribe links are signed and expire after 90 days.
    links: (event, messageId) => {
      const expires = new Date(Date.now() + 90 * 24 * 3600 * 1000);
      const id = encodeURIComponent(event.case.id);
      return {
        pay: signedLink(config.sender.web, `/pay/${id}`, config.linkSigningSecret, expires),
        help: config.sender.web,
        // Previews have no message yet: their opt-out link goes to the help page.
        optOut: messageId ? unsubscribeUrl(config.publicUrl, config.linkSigningSecret, messageId, expires) : config.sender.web,
      };
    },
    today: () => new Date().toISOString().slice(0, 10),
  };
}

/** The catalogue from templates/ and locales/, serving the active versions stored in PostgreSQL. */
export async function openTemplateStore(services: Services): Promise<TemplateStore> {
  const catalogue = await loadCatalogue({ templatesDir: path.join(ROOT_DIR, 'templates'), localesDir: path.join(ROOT_DIR, 'locales') });
  return createTemplateStore(services.db, catalogue, services.log);
}

/** What planning needs besides the database: shared by the plan worker and the simulator. */
export async function plannerDeps(services: Services, store: TemplateStore): Promise<PlannerDeps> {
  return {
    playbooks: await loadPlaybooks(path.join(ROOT_DIR, 'playbooks')),
    packs: services.packs,
    renderer: catalogueRenderer(store.catalogue, renderEnvironment(services.config)),
    channels: sendingChannels(services.config),
    log: services.log,
  };
}

/** Everything the worker role runs: plan and dispatch workers and the sweeper. */
export async function startWorkerRole(
  services: Services,
  given?: Map<Channel, ChannelAdapter>,
  templates?: TemplateStore,
): Promise<RunningWorkers> {
  const { config, db, queues, log, metrics } = services;
  const store = templates ?? (await openTemplateStore(services));
  const adapters = given ?? createAdapters(services, store.catalogue);
  // An activation made through the API reaches this worker within this interval.
  const watcher = store.watch(config.env === 'test' ? 200 : 5000);
  const planner = await plannerDeps(services, store);
  const workers = startWorkers({
    config,
    connection: redisOptions(config.redisUrl, true),
    log,
    plan: { ...planner, channels: new Set(adapters.keys()), db, queues, metrics, now: services.now },
    dispatch: { db, adapters, packs: services.packs, publicUrl: config.publicUrl, log, metrics, now: services.now, onGaveUp: (ids) => enqueueFallbacks(queues, ids) },
    fallback: { ...planner, channels: new Set(adapters.keys()), db, queues, metrics, now: services.now },
    sweep: { db, queues, log, graceMs: config.workers.sweepGraceMs, now: services.now, deliveryDeadlineMs: config.fallbackAfterHours * 3600_000 },
  });
  // Replies, intents, opt-outs, promises and status changes to the case system, when configured.
  const forwarder = config.forwarding ? startForwarder({ db, config: config.forwarding, log, now: services.now, pollMs: config.env === 'test' ? 100 : 1000, concurrency: 64 }) : null;
  const statusFeed = config.forwarding ? startStatusFeed({ db, log, intervalMs: config.env === 'test' ? 100 : 1000 }) : null;
  const retention = startBodyRetention({ db, log, retentionDays: config.messageBodyRetentionDays, intervalMs: 3600_000 });
  // Letters are handed to the print house once a day at the cut-off; its acknowledgements move them on.
  const printHouse = config.letters && adapters.has('letter') ? startPrintHouse({ db, sftp: { url: config.letters.sftpUrl, ...(config.letters.sftpPrivateKey ? { privateKey: config.letters.sftpPrivateKey } : {}), ...(config.letters.sftpHostKeyFingerprint ? { hostKeyFingerprint: config.letters.sftpHostKeyFingerprint } : {}) }, cutoff: config.letters.cutoff, cutoffTimeZone: config.letters.cutoffTimeZone, ackPollMs: config.letters.ackPollMs, log, now: services.now }) : null;
  return {
    async close() {
      await statusFeed?.stop();
      await forwarder?.stop();
      await printHouse?.stop();
      await retention.stop();
      watcher.stop();
      await workers.close();
      await closeAdapters(adapters);
    },
  };
}
