import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel } from './domain/case-event.ts';
import type { ChannelAdapter } from './channels/channel-adapter.ts';
import { createTwilioClient } from './channels/twilio-client.ts';
import { createTwilioSmsAdapter } from './channels/twilio-sms.ts';
import { loadPlaybooks } from './domain/playbook.ts';
import { createSmsRenderer } from './rendering/sms-renderer.ts';
import { redisOptions, type Services } from './services.ts';
import { startWorkers, type RunningWorkers } from './jobs/workers.ts';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The channel registry: explicit, one adapter per channel this release can send on. */
export function createAdapters(services: Services): Map<Channel, ChannelAdapter> {
  const { twilio } = services.config;
  const client = createTwilioClient({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiUrl: twilio.apiUrl });
  return new Map<Channel, ChannelAdapter>([
    ['sms', createTwilioSmsAdapter({ client, sendersByCountry: twilio.sendersByCountry, ...(twilio.messagingServiceSid ? { messagingServiceSid: twilio.messagingServiceSid } : {}) })],
  ]);
}

/** Everything the worker role runs: plan and dispatch workers and the sweeper. */
export async function startWorkerRole(services: Services, adapters: Map<Channel, ChannelAdapter> = createAdapters(services)): Promise<RunningWorkers> {
  const { config, db, queues, log, metrics } = services;
  const [playbooks, renderer] = await Promise.all([
    loadPlaybooks(path.join(ROOT_DIR, 'playbooks')),
    createSmsRenderer({ templatesDir: path.join(ROOT_DIR, 'templates', 'sms'), localesDir: path.join(ROOT_DIR, 'locales') }),
  ]);
  return startWorkers({
    config,
    connection: redisOptions(config.redisUrl, true),
    log,
    plan: { db, queues, playbooks, renderer, channels: new Set(adapters.keys()), log, metrics },
    dispatch: { db, adapters, publicUrl: config.publicUrl, log, metrics },
    sweep: { db, queues, log, graceMs: config.workers.sweepGraceMs },
  });
}
