import { z } from 'zod';
import { logLevelSchema, parseEnv, urlSchema } from '@fenta/core';

const schema = z.object({
  DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
  REDIS_URL: urlSchema('redis:', 'rediss:'),
  /** Jobs one worker process runs at once; renders are CPU-bound, so about one per two cores. */
  FENTA_WORKER_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64').default(1),
  /** How long a shutdown waits for running jobs before handing them back to the queue. */
  FENTA_WORKER_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type WorkerEnv = z.infer<typeof schema>;

/** The worker's configuration, parsed once at start-up. */
export function readWorkerEnv(env: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseEnv(schema, env);
}
