import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';

const hash = (key: string): string => createHash('sha256').update(key).digest('hex');

export interface CreatedApiKey {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  key: string;
}

export async function createApiKey(db: Queryable, name: string): Promise<CreatedApiKey> {
  const id = `key_${randomBytes(6).toString('hex')}`;
  const key = `dco_${randomBytes(24).toString('base64url')}`;
  await db.query('insert into api_keys (id, name, key_hash) values ($1, $2, $3)', [id, name, hash(key)]);
  return { id, name, key };
}

export async function findActiveApiKey(db: Queryable, key: string): Promise<{ id: string; name: string } | null> {
  const { rows } = await db.query<{ id: string; name: string }>('select id, name from api_keys where key_hash = $1 and revoked_at is null', [hash(key)]);
  return rows[0] ?? null;
}

/** Makes sure a key given in the environment works; idempotent across restarts and replicas. */
export async function ensureApiKey(db: Queryable, name: string, key: string): Promise<void> {
  const id = `key_${hash(key).slice(0, 12)}`;
  await db.query('insert into api_keys (id, name, key_hash) values ($1, $2, $3) on conflict do nothing', [id, name, hash(key)]);
}
