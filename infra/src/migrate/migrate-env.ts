import { z } from 'zod';
import { logLevelSchema, parseEnv, urlSchema } from '@fenta/core';

const schema = z.object({
  /** The database to migrate; required: a production migration never falls back to an embedded server. */
  DATABASE_URL: z.string({ error: 'is required' }).pipe(urlSchema('postgres:', 'postgresql:')),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type MigrateEnv = z.infer<typeof schema>;

/** The configuration of `./fenta migrate`, parsed once. */
export function readMigrateEnv(env: Record<string, string | undefined> = process.env): MigrateEnv {
  return parseEnv(schema, env);
}
