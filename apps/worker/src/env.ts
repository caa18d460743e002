import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { jsonVariableSchema, logLevelSchema, optionalPortSchema, parseEnv, parseEnvParts, publicUrlSchema, urlSchema } from '@fenta/core';
import { defaultNodeConcurrency, defaultPriceTable, priceOverridesSchema, withPriceOverrides, type PriceTable } from '@fenta/pipeline';
import { readStorageConfig, type StorageConfig } from '@fenta/storage';

const optionalSecret = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

const schema = z.object({
  DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
  REDIS_URL: urlSchema('redis:', 'rediss:'),
  /**
   * Jobs one worker process holds at once (2): while one renders, the next one's footage, script and
   * voice are made, and its render waits for a render slot.
   */
  FENTA_WORKER_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64').default(2),
  /** Renders one worker process runs at once (1): one ffmpeg render keeps every core busy. */
  FENTA_RENDER_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').default(1),
  /** Nodes of one job run at once when their inputs are ready (footage beside script and voice); 1 runs them one after another. */
  FENTA_NODE_CONCURRENCY: z.coerce.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').default(defaultNodeConcurrency),
  /** How long a shutdown waits for running jobs before handing them back to the queue. */
  FENTA_WORKER_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  FENTA_TEMP_DIR: z.string().min(1).default(path.join(tmpdir(), 'fenta-worker')),
  /** The API's base URL as clients reach it: jobs.result and webhooks link to its download routes. */
  FENTA_PUBLIC_URL: publicUrlSchema.default('http://127.0.0.1:8080'),
  /** Fail instead of falling back to an offline provider when the asked-for one is not configured. */
  FENTA_STRICT_PROVIDERS: booleanFlag,
  /** JSON overriding parts of the price table, e.g. {"renderSecond": 0.001}; each llm, tts and transcription model on its own. */
  FENTA_PRICES: z.preprocess(
    (value) => (value === '' ? undefined : value),
    jsonVariableSchema(priceOverridesSchema)
      .transform((overrides): PriceTable => withPriceOverrides(overrides))
      .optional()
      .transform((prices) => prices ?? defaultPriceTable),
  ),
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: urlSchema('http:', 'https:').optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TTS_MODEL: z.string().min(1).default('gpt-4o-mini-tts'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().min(1).default('whisper-1'),
  PEXELS_API_KEY: optionalSecret,
  PIXABAY_API_KEY: optionalSecret,
  /** /healthz and /readyz are served on this port only when it is set. */
  FENTA_HEALTH_PORT: optionalPortSchema,
  FENTA_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type WorkerEnv = z.infer<typeof schema> & { storage: StorageConfig };

/** The worker's configuration, storage settings included, parsed once at start-up; every wrong variable is named at once. */
export function readWorkerEnv(env: Record<string, string | undefined> = process.env): WorkerEnv {
  const { own, storage } = parseEnvParts({
    own: () => parseEnv(schema, env),
    storage: () => readStorageConfig(env, { localRoot: '.fenta/storage' }),
  });
  return { ...own, storage };
}
