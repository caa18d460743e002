import path from 'node:path';
import { z } from 'zod';
import { logLevelSchema, parseEnv, portSchema, urlSchema } from '@fenta/core';

const schema = z.object({
  /** An existing PostgreSQL instead of the embedded one. */
  DATABASE_URL: urlSchema('postgres:', 'postgresql:').optional(),
  /** An existing Redis instead of a local redis-server (it must use maxmemory-policy noeviction). */
  REDIS_URL: urlSchema('redis:', 'rediss:').optional(),
  FENTA_DATA_DIR: z.string().min(1).default('.fenta'),
  FENTA_POSTGRES_PORT: portSchema.default(54329),
  FENTA_REDIS_PORT: portSchema.default(63799),
  FENTA_API_HOST: z.string().min(1).default('127.0.0.1'),
  FENTA_API_PORT: portSchema.default(8080),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type UpEnv = z.infer<typeof schema> & { dataDir: string };

/** The configuration of `./fenta up`, parsed once. */
export function readUpEnv(env: Record<string, string | undefined> = process.env): UpEnv {
  const parsed = parseEnv(schema, env);
  return { ...parsed, dataDir: path.resolve(parsed.FENTA_DATA_DIR) };
}
