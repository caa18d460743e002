import { z } from 'zod';
import { logLevelSchema, parseEnv, portSchema, urlSchema } from '@fenta/core';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy';

const trustProxySchema = z
  .string()
  .optional()
  .transform((value, context): TrustProxy => {
    const parsed = parseTrustProxy(value);
    if (typeof parsed === 'object' && 'problem' in parsed) {
      context.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed;
  });

const schema = z.object({
  DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
  REDIS_URL: urlSchema('redis:', 'rediss:'),
  FENTA_API_HOST: z.string().min(1).default('127.0.0.1'),
  FENTA_API_PORT: portSchema.default(8080),
  /** Bull Board is served only when a password is set: it shows every org's jobs. */
  FENTA_BOARD_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Which proxies may set X-Forwarded-For; by default none, so a client cannot pick its own address. */
  FENTA_TRUST_PROXY: trustProxySchema,
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type ApiEnv = z.infer<typeof schema>;

/** The API's configuration, parsed once at start-up. */
export function readApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(schema, env);
}
