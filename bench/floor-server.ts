import Fastify from 'fastify';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb } from '../src/store/db.ts';
import { redisOptions } from '../src/services.ts';
import { serveParent } from './lib/child.ts';

// The floor: the least a service can do per event and still be durable and queued — one
// insert, one BullMQ add, 202. Same pool size and producer connection as our service, so the
// ratio service/floor measures our own code, not the drivers.

const schema = process.env.FLOOR_SCHEMA ?? '';
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('FLOOR_SCHEMA must be a plain schema name');
const prefix = process.env.FLOOR_QUEUE_PREFIX ?? '';
if (!prefix) throw new Error('FLOOR_QUEUE_PREFIX is required');

const db = createDb({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', schema, poolSize: 20, applicationName: 'bench-floor' });
await db.query(`create schema if not exists ${schema}`);
await db.query(`create table if not exists ${schema}.floor_events (id bigserial primary key, body jsonb not null)`);
const redis = new Redis(redisOptions(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', false));
redis.on('error', () => {});
const queue = new Queue('floor', { connection: redis, prefix });

const app = Fastify({ logger: false });
// The body goes to Postgres as the client sent it; parsing it would be work the floor does not need.
app.removeContentTypeParser(['application/json']);
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

let stored = 0;
app.post('/floor', async (request, reply) => {
  const { rows } = await db.query<{ id: string }>('insert into floor_events (body) values ($1::jsonb) returning id', [request.body]);
  const id = rows[0]!.id;
  stored++;
  await queue.add('x', { id }, { removeOnComplete: true });
  return reply.code(202).send({ id });
});

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
serveParent(
  typeof address === 'object' && address ? address.port : 0,
  async () => ({ rssBytes: process.memoryUsage().rss, stored }),
  async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
    await db.end();
  },
);
