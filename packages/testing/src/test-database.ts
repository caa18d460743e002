import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { testEnvironment } from './test-environment';

export type Query = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** A database of its own for one test file, dropped afterwards. */
export interface TestDatabase {
  name: string;
  url: string;
  /** kysely over the pool, as the owning superuser (RLS bypassed, like the worker). */
  db: Kysely<any>;
  pool: pg.Pool;
  /** A raw query as the owning superuser. */
  query: Query;
  /** Runs `fn` in a transaction as role `fenta_app` acting for `userId`, so row-level security applies; rolls back after. */
  withUser<T>(userId: string, fn: (query: Query) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/**
 * Creates a throwaway database: an empty one, or (`migrated`) a copy of the
 * run's migrated template, which takes milliseconds instead of a migration run.
 */
export async function createTestDatabase(options: { migrated: boolean }): Promise<TestDatabase> {
  const env = testEnvironment();
  const name = `fenta_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: env.adminDatabaseUrl });
  await admin.connect();
  try {
    const template = options.migrated ? ` TEMPLATE ${admin.escapeIdentifier(env.templateDatabase)}` : '';
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(env.adminDatabaseUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
  // DROP DATABASE ... WITH (FORCE) may terminate a connection that is still
  // closing; its 57P01 error then surfaces on the pool and must not fail a test.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const query: Query = async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[];

  return {
    name,
    url: url.toString(),
    db,
    pool,
    query,
    async withUser(userId, fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE fenta_app');
        await client.query(`SELECT set_config('fenta.user_id', $1, true)`, [userId]);
        const scoped: Query = async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[];
        return await fn(scoped);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
    async drop() {
      await db.destroy();
      // kysely ends the pool only if it used it; a test may have used `query` alone.
      if (!pool.ended) await pool.end();
      const dropper = new pg.Client({ connectionString: env.adminDatabaseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${dropper.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
