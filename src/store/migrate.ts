import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_214_001;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies migrations/NNN_name.sql in order, each in its own transaction, under an advisory
 * lock so that several processes starting at once migrate exactly once.
 */
export async function migrate(db: Db, schema: string): Promise<MigrationResult> {
  const client = await db.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists ${schema}.schema_migrations (
      version text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await client.query<{ version: string }>(`select version from ${schema}.schema_migrations`)).rows.map((r) => r.version));
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
    const applied: string[] = [];
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(`set local search_path = ${schema}`);
        await client.query(sql);
        await client.query(`insert into ${schema}.schema_migrations (version) values ($1)`, [version]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed`, { cause: err });
      }
      applied.push(version);
    }
    return { applied };
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
