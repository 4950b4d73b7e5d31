import pg from 'pg';
import { Redis } from 'ioredis';

/** Rows in a table, read after the server has stopped so no insert is still in flight. */
export async function countRows(databaseUrl: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${table}`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

export async function dropSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under the prefixes: tens of thousands of waiting jobs, as nothing consumes them. */
export async function deleteRedisPrefixes(redisUrl: string, prefixes: readonly string[]): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (const prefix of prefixes) {
      for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
        const batch = keys as string[];
        if (batch.length) deleted += await redis.unlink(...batch);
      }
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
