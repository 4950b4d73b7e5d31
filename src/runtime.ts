import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel } from './domain/case-event.ts';
import type { ChannelAdapter } from './channels/channel-adapter.ts';
import { createTwilioClient } from './channels/twilio-client.ts';
import { createTwilioSmsAdapter } from './channels/twilio-sms.ts';
import { loadPlaybooks } from './domain/playbook.ts';
import { loadCatalogue } from './rendering/catalogue.ts';
import { createTemplateStore, type TemplateStore } from './rendering/template-store.ts';
import { catalogueRenderer } from './rendering/message-renderer.ts';
import type { RenderEnvironment } from './rendering/render-context.ts';
import type { Config } from './config.ts';
import { signedLink } from './rendering/signed-links.ts';
import { redisOptions, type Services } from './services.ts';
import { startWorkers, type RunningWorkers } from './jobs/workers.ts';
import { startBodyRetention } from './jobs/retention.ts';
import type { PlannerDeps } from './jobs/message-planner.ts';
import { enqueueFallbacks } from './jobs/queues.ts';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The channels this release has adapters for (createAdapters builds exactly these). */
export const SENDING_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['sms']);

/** The channel registry: explicit, one adapter per channel this release can send on. */
export function createAdapters(services: Services): Map<Channel, ChannelAdapter> {
  const { twilio } = services.config;
  const client = createTwilioClient({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiUrl: twilio.apiUrl });
  return new Map<Channel, ChannelAdapter>([
    ['sms', createTwilioSmsAdapter({ client, sendersByCountry: twilio.sendersByCountry, ...(twilio.messagingServiceSid ? { messagingServiceSid: twilio.messagingServiceSid } : {}) })],
  ]);
}

/** The sender and links every message renders with, from configuration. */
export function renderEnvironment(config: Config): RenderEnvironment {
  return {
    sender: config.sender,
    // Pay and unsubscribe links are signed and expire after 90 days.
    links: (event) => {
      const expires = new Date(Date.now() + 90 * 24 * 3600 * 1000);
      const id = encodeURIComponent(event.case.id);
      return {
        pay: signedLink(config.sender.web, `/pay/${id}`, config.linkSigningSecret, expires),
        help: config.sender.web,
        optOut: signedLink(config.publicUrl, `/v1/unsubscribe/${id}`, config.linkSigningSecret, expires),
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
    channels: SENDING_CHANNELS,
    log: services.log,
  };
}

/** Everything the worker role runs: plan and dispatch workers and the sweeper. */
export async function startWorkerRole(
  services: Services,
  adapters: Map<Channel, ChannelAdapter> = createAdapters(services),
  templates?: TemplateStore,
): Promise<RunningWorkers> {
  const { config, db, queues, log, metrics } = services;
  const store = templates ?? (await openTemplateStore(services));
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
  const retention = startBodyRetention({ db, log, retentionDays: config.messageBodyRetentionDays, intervalMs: 3600_000 });
  return {
    async close() {
      await retention.stop();
      watcher.stop();
      await workers.close();
    },
  };
}
