import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { booleanFlag, logLevelSchema, parseEnv, parseEnvParts, portSchema, publicUrlSchema, secretsKeySchema, urlSchema } from '@fenta/core';
import { readStorageConfig, type StorageConfig } from '@fenta/storage';
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

/** 500 MiB: a few minutes of 1080p footage. */
export const defaultAssetMaxBytes = 500 * 1024 * 1024;
export const defaultTempDir = path.join(tmpdir(), 'fenta-api');

// Empty reads as unset (that login is off), as a deployment template often leaves it.
const boardPasswordSchema = z.preprocess((value) => (value === '' ? undefined : value), z.string().min(12, 'must be at least 12 characters').optional());

const schema = z
  .object({
    DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
    REDIS_URL: urlSchema('redis:', 'rediss:'),
    FENTA_API_HOST: z.string().min(1).default('127.0.0.1'),
    FENTA_API_PORT: portSchema.default(8080),
    /** Bull Board is served only when a login has a password: it shows every org's jobs. */
    FENTA_BOARD_OPERATOR_PASSWORD: boardPasswordSchema,
    FENTA_BOARD_VIEWER_PASSWORD: boardPasswordSchema,
    /** The operator's password under its older name, so a deployment that set it keeps its board. */
    FENTA_BOARD_PASSWORD: boardPasswordSchema,
    /** Which proxies may set X-Forwarded-For; by default none, so a client cannot pick its own address. */
    FENTA_TRUST_PROXY: trustProxySchema,
    /** The API's base URL as clients reach it (behind a proxy, the proxy's): the download links in renders. */
    FENTA_PUBLIC_URL: publicUrlSchema.default('http://127.0.0.1:8080'),
    /** Requests each API key may make per minute, counted in Redis across every API replica. */
    FENTA_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** The largest file POST /v1/assets accepts, in bytes: 500 MiB unless set. */
    FENTA_ASSET_MAX_BYTES: z.coerce
      .number({ message: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(1, 'must be at least 1')
      .max(Number.MAX_SAFE_INTEGER)
      .default(defaultAssetMaxBytes),
    /** Where uploads wait while they are received and probed, before they are stored. */
    FENTA_TEMP_DIR: z.string().min(1).default(defaultTempDir),
    LOG_LEVEL: logLevelSchema.default('info'),
    /** `production` makes webhook URLs https-only and refuses FENTA_ALLOW_LOOPBACK_URLS. */
    NODE_ENV: z.string().optional(),
    /** Accept webhook URLs on this machine (127.0.0.0/8, ::1, localhost): for local development and tests only. */
    FENTA_ALLOW_LOOPBACK_URLS: booleanFlag,
    /** 32 bytes (base64 or hex) that seal webhook signing secrets at rest; unsealed when unset. */
    FENTA_SECRETS_KEY: secretsKeySchema,
    /** When set, /metrics wants it as a bearer token. */
    FENTA_METRICS_TOKEN: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(16, 'must be at least 16 characters').optional()),
  })
  .superRefine((env, context) => {
    const { FENTA_BOARD_OPERATOR_PASSWORD: operator, FENTA_BOARD_PASSWORD: older, FENTA_BOARD_VIEWER_PASSWORD: viewer } = env;
    if (operator !== undefined && older !== undefined && operator !== older) {
      context.addIssue({
        code: 'custom',
        path: ['FENTA_BOARD_PASSWORD'],
        message: 'is the older name of FENTA_BOARD_OPERATOR_PASSWORD and differs from it: set only one',
      });
    }
    // A viewer who knows the operator's password is an operator: the read-only login would mean nothing.
    if (viewer !== undefined && viewer === (operator ?? older)) {
      context.addIssue({ code: 'custom', path: ['FENTA_BOARD_VIEWER_PASSWORD'], message: "must differ from the operator's password" });
    }
    // A production API that posts to its own machine would hand webhook owners the services listening there.
    if (env.NODE_ENV === 'production' && env.FENTA_ALLOW_LOOPBACK_URLS) {
      context.addIssue({ code: 'custom', path: ['FENTA_ALLOW_LOOPBACK_URLS'], message: 'must not be true when NODE_ENV=production' });
    }
  })
  .transform(({ FENTA_BOARD_PASSWORD: older, ...env }) => ({ ...env, FENTA_BOARD_OPERATOR_PASSWORD: env.FENTA_BOARD_OPERATOR_PASSWORD ?? older }));

export type ApiEnv = z.infer<typeof schema> & { storage: StorageConfig };

/** The API's configuration, storage settings included (the same variables as the worker's), parsed once at start-up; every wrong variable is named at once. */
export function readApiEnv(env: Record<string, string | undefined> = process.env): ApiEnv {
  const { own, storage } = parseEnvParts({
    own: () => parseEnv(schema, env),
    storage: () => readStorageConfig(env, { localRoot: '.fenta/storage' }),
  });
  return { ...own, storage };
}
