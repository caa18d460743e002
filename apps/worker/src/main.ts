import { createLogger, handleShutdownSignals } from '@fenta/core';
import { checkDatabaseConnection, createDatabase } from '@fenta/db';
import { assertNoEviction, connectRedis, createRedisConnection } from '@fenta/queue';
import { readWorkerEnv } from './env';

async function main(): Promise<void> {
  const env = readWorkerEnv();
  const logger = createLogger({ service: 'worker', level: env.LOG_LEVEL });

  const db = createDatabase({ url: env.DATABASE_URL, applicationName: 'fenta-worker', poolSize: env.FENTA_WORKER_CONCURRENCY + 2 });
  await checkDatabaseConnection(db, env.DATABASE_URL);
  const redis = createRedisConnection(env.REDIS_URL, { connectionName: 'fenta-worker' });
  await connectRedis(redis, env.REDIS_URL);
  await assertNoEviction(redis);
  logger.info({ concurrency: env.FENTA_WORKER_CONCURRENCY }, 'worker ready');

  handleShutdownSignals({
    logger,
    graceMs: env.FENTA_WORKER_GRACE_MS + 5_000,
    shutdown: async () => {
      await redis.quit();
      await db.destroy();
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fenta worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
