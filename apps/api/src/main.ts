import { createLogger, handleShutdownSignals } from '@fenta/core';
import { checkDatabaseConnection, createDatabase, createJobEventListener } from '@fenta/db';
import { assertNoEviction, connectRedis, createRedisConnection, createRenderQueue } from '@fenta/queue';
import { createStorage, S3Storage } from '@fenta/storage';
import { buildApp } from './build-app';
import { readApiEnv } from './env';

async function main(): Promise<void> {
  const env = readApiEnv();
  const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });

  const db = createDatabase({
    url: env.DATABASE_URL,
    applicationName: 'fenta-api',
    onConnectionError: (error) => logger.warn({ err: error.message }, 'PostgreSQL dropped a connection; the pool opens a new one when needed'),
  });
  await checkDatabaseConnection(db, env.DATABASE_URL);
  // Fails fast: a request that adds a job never waits for a Redis that is away (the job stays queued in Postgres for the reconciler).
  const redis = createRedisConnection(env.REDIS_URL, { connectionName: 'fenta-api', failFast: true });
  await connectRedis(redis, env.REDIS_URL);
  await assertNoEviction(redis);
  const renders = createRenderQueue({ connection: redis });

  const storage = createStorage(env.storage);
  // One LISTEN connection for every event stream, opened when the first client follows a job.
  const jobEvents = createJobEventListener({ url: env.DATABASE_URL, logger, applicationName: 'fenta-api-events' });

  const production = env.NODE_ENV === 'production';
  if (production && !env.FENTA_SECRETS_KEY) logger.warn('FENTA_SECRETS_KEY is not set: webhook signing secrets are stored unsealed');
  const app = await buildApp({
    db,
    redis,
    logger,
    // Every Fenta queue; the board shows them all.
    queues: [renders],
    renderQueue: renders,
    board: { operator: env.FENTA_BOARD_OPERATOR_PASSWORD, viewer: env.FENTA_BOARD_VIEWER_PASSWORD },
    trustProxy: env.FENTA_TRUST_PROXY,
    rateLimit: { perMinute: env.FENTA_RATE_LIMIT_PER_MINUTE },
    storage,
    uploads: { maxBytes: env.FENTA_ASSET_MAX_BYTES, tempDir: env.FENTA_TEMP_DIR },
    webhooks: { urlPolicy: { requireHttps: production, allowLoopback: env.FENTA_ALLOW_LOOPBACK_URLS }, secretsKey: env.FENTA_SECRETS_KEY },
    metricsToken: env.FENTA_METRICS_TOKEN,
    jobEvents,
    publicUrl: env.FENTA_PUBLIC_URL,
  });
  await app.listen({ host: env.FENTA_API_HOST, port: env.FENTA_API_PORT });

  handleShutdownSignals({
    logger,
    graceMs: 15_000,
    shutdown: async () => {
      // Stop accepting requests and let in-flight ones finish, then close connections.
      // Event streams are ended first thing (preClose), so they do not hold the close up.
      await app.close();
      await jobEvents.close();
      await renders.close();
      if (storage instanceof S3Storage) storage.destroy();
      await redis.quit();
      await db.destroy();
    },
  });
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad config), so report on stderr directly.
  process.stderr.write(`fenta api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
