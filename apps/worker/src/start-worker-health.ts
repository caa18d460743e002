import type { Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import { startHealthServer, type Logger, type ReadinessCheck, type RunningHealthServer } from '@fenta/core';
import { postgresCheck } from '@fenta/db';
import { createRedisConnection, redisCheck } from '@fenta/queue';

export interface WorkerHealthOptions {
  /** Off when undefined (FENTA_HEALTH_PORT unset). */
  port: number | undefined;
  host: string;
  db: Kysely<any>;
  redisUrl: string;
  worker: Worker;
  logger: Logger;
}

/** A readiness check that the BullMQ worker is taking jobs: running, and not closing. */
export function renderWorkerCheck(worker: Worker): ReadinessCheck {
  return () => Promise.resolve(worker.closing ? 'closing' : worker.isRunning() ? 'ok' : 'not running');
}

/**
 * Serves /healthz and /readyz on FENTA_HEALTH_PORT when it is set: ready
 * while PostgreSQL and Redis answer and the render worker runs.
 */
export async function startWorkerHealth(options: WorkerHealthOptions): Promise<RunningHealthServer | undefined> {
  if (options.port === undefined) return undefined;
  const redis = createRedisConnection(options.redisUrl, { connectionName: 'fenta-worker-health' });
  // The readiness check reports an outage; ioredis would otherwise print every failed reconnect.
  redis.on('error', () => undefined);
  try {
    const server = await startHealthServer({
      host: options.host,
      port: options.port,
      service: 'worker',
      logger: options.logger,
      checks: { postgres: postgresCheck(options.db), redis: redisCheck(redis), worker: renderWorkerCheck(options.worker) },
    });
    return {
      ...server,
      async close() {
        await server.close();
        redis.disconnect();
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}
