import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDatabase, migrateOrThrow } from '@fenta/db';
import { findFreePort, startEmbeddedPostgres, startRedisServer } from '@fenta/local-services';
import type { RunningServices } from './running-services';

const templateDatabase = 'fenta_template';

/**
 * Starts a throwaway PostgreSQL and redis-server on free loopback ports (never
 * those of a running `./fenta up`), migrates a template database once, and
 * exports where they are for the tests. FENTA_TEST_DATABASE_URL /
 * FENTA_TEST_REDIS_URL point the suite at services that already run instead.
 */
export default async function globalSetup(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-test-'));
  // mkdtemp makes the folder private; as root, PostgreSQL runs as `postgres` and must enter it.
  await chmod(root, 0o755);
  const services: RunningServices = { root, stops: [] };
  (globalThis as { fentaTestServices?: RunningServices }).fentaTestServices = services;

  if (!process.env.FENTA_TEST_DATABASE_URL) {
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(root, 'postgres'),
      port: await findFreePort(),
      database: 'postgres',
      // A throwaway cluster: durability buys nothing and costs seconds.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    services.stops.push(postgres.stop);
    process.env.FENTA_TEST_DATABASE_URL = postgres.adminUrl;
  }
  if (!process.env.FENTA_TEST_REDIS_URL) {
    const redis = await startRedisServer({ dataDir: path.join(root, 'redis'), port: await findFreePort(), appendOnly: false });
    services.stops.push(redis.stop);
    process.env.FENTA_TEST_REDIS_URL = redis.url;
  }

  const adminUrl = new URL(process.env.FENTA_TEST_DATABASE_URL);
  const admin = createDatabase<any>({ url: adminUrl.toString(), poolSize: 1 });
  await sql.raw(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`).execute(admin);
  await sql.raw(`CREATE DATABASE ${templateDatabase}`).execute(admin);
  await admin.destroy();
  adminUrl.pathname = `/${templateDatabase}`;
  const template = createDatabase<any>({ url: adminUrl.toString(), poolSize: 1 });
  try {
    await migrateOrThrow(template);
  } finally {
    await template.destroy();
  }
  process.env.FENTA_TEST_TEMPLATE_DATABASE = templateDatabase;
}
