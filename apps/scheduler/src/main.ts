import { createLogger, handleShutdownSignals } from '@fenta/core';
import { checkDatabaseConnection, createDatabase } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { assertNoEviction, connectRedis, createRedisConnection, createRenderQueue } from '@fenta/queue';
import { startDeliveryLoop } from './delivery-loop';
import { readSchedulerEnv } from './env';
import { startMaintenanceLoop } from './maintenance-loop';
import { startScheduleLoop } from './schedule-loop';
import { startSchedulerHealth } from './start-scheduler-health';

async function main(): Promise<void> {
  const env = readSchedulerEnv();
  const logger = createLogger({ service: 'scheduler', level: env.LOG_LEVEL });

  const db = createDatabase({ url: env.DATABASE_URL, applicationName: 'fenta-scheduler', poolSize: 6 });
  await checkDatabaseConnection(db, env.DATABASE_URL);
  const redis = createRedisConnection(env.REDIS_URL, { connectionName: 'fenta-scheduler' });
  await connectRedis(redis, env.REDIS_URL);
  await assertNoEviction(redis);

  const health = await startSchedulerHealth({ port: env.FENTA_HEALTH_PORT, host: env.FENTA_HEALTH_HOST, db, redis, logger });
  const maintenance = startMaintenanceLoop({
    db,
    logger,
    intervalMs: env.FENTA_MAINTENANCE_INTERVAL_MS,
    retention: { jobLogs: env.FENTA_JOB_LOG_RETENTION_DAYS, webhookDeliveries: env.FENTA_WEBHOOK_DELIVERY_RETENTION_DAYS },
  });
  const renders = createRenderQueue({ connection: redis });
  const schedules = startScheduleLoop({
    deps: { db, queue: renders, registry: builtInNodeDefinitionRegistry, logger },
    intervalMs: env.FENTA_SCHEDULER_POLL_MS,
    graceMs: env.FENTA_SCHEDULE_GRACE_MS,
  });
  const deliveries = startDeliveryLoop({
    deps: { db, logger, policy: { allowLoopback: env.FENTA_ALLOW_LOOPBACK_URLS }, secretsKey: env.FENTA_SECRETS_KEY },
    intervalMs: env.FENTA_WEBHOOK_POLL_MS,
    concurrency: env.FENTA_WEBHOOK_CONCURRENCY,
  });
  logger.info(
    { maintenanceIntervalMs: env.FENTA_MAINTENANCE_INTERVAL_MS, pollMs: env.FENTA_SCHEDULER_POLL_MS, graceMs: env.FENTA_SCHEDULE_GRACE_MS },
    'scheduler ready',
  );

  handleShutdownSignals({
    logger,
    graceMs: 15_000,
    shutdown: async () => {
      await schedules.stop();
      await deliveries.stop();
      await maintenance.stop();
      await renders.close();
      await health?.close();
      await redis.quit();
      await db.destroy();
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fenta scheduler failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
