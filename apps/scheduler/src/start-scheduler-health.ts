import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { startHealthServer, type Logger, type RunningHealthServer } from '@fenta/core';
import { postgresCheck } from '@fenta/db';
import { redisCheck } from '@fenta/queue';

export interface SchedulerHealthOptions {
  /** Off when undefined (FENTA_HEALTH_PORT unset). */
  port: number | undefined;
  host: string;
  db: Kysely<any>;
  redis: Redis;
  logger: Logger;
}

/** Serves /healthz and /readyz on FENTA_HEALTH_PORT when it is set: ready while the scheduler's PostgreSQL and Redis answer. */
export async function startSchedulerHealth(options: SchedulerHealthOptions): Promise<RunningHealthServer | undefined> {
  if (options.port === undefined) return undefined;
  return startHealthServer({
    host: options.host,
    port: options.port,
    service: 'scheduler',
    logger: options.logger,
    checks: { postgres: postgresCheck(options.db), redis: redisCheck(options.redis) },
  });
}
