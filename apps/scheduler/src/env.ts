import { z } from 'zod';
import { booleanFlag, logLevelSchema, optionalPortSchema, parseEnv, secretsKeySchema, urlSchema } from '@fenta/core';

const schema = z.object({
  DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
  REDIS_URL: urlSchema('redis:', 'rediss:'),
  /** How often upkeep runs (partitions, the daily-usage view, quota periods, pruning). */
  FENTA_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1_000, 'must be at least 1000').default(3_600_000),
  /** Job logs older than this many days are removed by upkeep; 0 keeps them forever. */
  FENTA_JOB_LOG_RETENTION_DAYS: z.coerce.number().int().min(0, 'must be 0 or more').max(3_650, 'must be at most 3650').default(30),
  /** Finished webhook deliveries older than this many days are removed by upkeep; 0 keeps them forever. */
  FENTA_WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(0, 'must be 0 or more').max(3_650, 'must be at most 3650').default(30),
  /** How often due schedules are looked for. */
  FENTA_SCHEDULER_POLL_MS: z.coerce.number().int().min(100, 'must be at least 100').max(60_000, 'must be at most 60000').default(1_000),
  /** A schedule's tick older than this when fired (the scheduler was away) was missed: its missed-runs policy applies. */
  FENTA_SCHEDULE_GRACE_MS: z.coerce.number().int().min(0, 'must be 0 or more').default(300_000),
  /** How often due webhook deliveries are looked for. */
  FENTA_WEBHOOK_POLL_MS: z.coerce.number().int().min(100, 'must be at least 100').max(60_000, 'must be at most 60000').default(1_000),
  /** Webhook deliveries one scheduler sends at once. */
  FENTA_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(256, 'must be at most 256').default(16),
  /** Deliveries may go to this machine (127.0.0.0/8, ::1): for tests and local receivers only; refused with NODE_ENV=production. */
  FENTA_ALLOW_LOOPBACK_URLS: booleanFlag,
  /** Opens webhook signing secrets the API sealed under it. */
  FENTA_SECRETS_KEY: secretsKeySchema,
  NODE_ENV: z.string().optional(),
  /** /healthz and /readyz are served on this port only when it is set. */
  FENTA_HEALTH_PORT: optionalPortSchema,
  FENTA_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type SchedulerEnv = z.infer<typeof schema>;

// A production scheduler that posts to its own machine would hand webhook owners the services listening there.
const checkedSchema = schema.superRefine((env, context) => {
  if (env.NODE_ENV === 'production' && env.FENTA_ALLOW_LOOPBACK_URLS) {
    context.addIssue({ code: 'custom', path: ['FENTA_ALLOW_LOOPBACK_URLS'], message: 'must not be true when NODE_ENV=production' });
  }
});

/** The scheduler's configuration, parsed once at start-up. */
export function readSchedulerEnv(env: Record<string, string | undefined> = process.env): SchedulerEnv {
  return parseEnv(checkedSchema, env);
}
