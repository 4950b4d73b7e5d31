import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { createDb, type Db } from './store/db.ts';
import { createLogger, type Logger } from './logger.ts';
import { createQueues, type Queues } from './jobs/queues.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createClock } from './clock.ts';
import { loadPacks, type Packs } from './policy/pack.ts';

/** The long-lived parts every role shares, built once per process (tests build their own). */
export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  /** Producer connection: fails fast, so a Redis outage never blocks intake (the sweeper catches up). */
  redis: Redis;
  queues: Queues;
  metrics: Metrics;
  /** The contact policy packs (policy/), validated at start. */
  packs: Packs;
  /** The service's clock: real time, or CLOCK_START running on (tests and demos). */
  now(): Date;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
}

export function redisOptions(url: string, forWorker: boolean): RedisConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers wait for Redis forever (BullMQ requires it); producers give up quickly.
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
  };
}

export function createServices(config: Config, log: Logger = createLogger(config.logLevel)): Services {
  const db = createDb({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: config.databasePoolSize });
  const redis = new Redis(redisOptions(config.redisUrl, false));
  redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
  const queues = createQueues(redis, config.queuePrefix);
  const metrics = createMetrics();
  return {
    now: createClock(config.clockStart),
    packs: loadPacks(),
    config,
    log,
    db,
    redis,
    queues,
    metrics,
    async close() {
      await queues.close();
      redis.disconnect();
      await db.end();
    },
  };
}
