import { parseEnv, urlSchema } from '@fenta/core';
import { z } from 'zod';
import type { StorageConfig } from './storage-config';

const prefixSegment = /^(?!\.{1,2}$)[^\\\0]+$/;

const storageEnvShape = {
  FENTA_STORAGE_DRIVER: z.enum(['local', 's3'], { message: 'must be "local" or "s3"' }).optional(),
  FENTA_STORAGE_DIR: z.string().optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lowercase letters, digits, ".", "-" or "_"')
    .optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a region name such as us-east-1')
    .default('us-east-1'),
  S3_ENDPOINT: urlSchema('http:', 'https:').optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'], { message: 'must be "true" or "false"' })
    .transform((value) => value === 'true')
    .optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z
    .string()
    .transform((value) => value.replace(/^\/+|\/+$/g, ''))
    .refine((value) => value === '' || value.split('/').every((segment) => prefixSegment.test(segment)), {
      message: 'must be a folder path such as "fenta/prod": no empty, "." or ".." parts, no backslash',
    })
    .optional(),
};

const storageEnvSchema = z
  .object(storageEnvShape)
  // `when` runs this even after a field above failed, so one error lists every problem;
  // the checks below only test for presence, which holds for raw values too.
  .superRefine(
    (env, context) => {
      if (chosenDriver(env) === 's3' && !env.S3_BUCKET) {
        context.addIssue({
          code: 'custom',
          path: ['S3_BUCKET'],
          message: 'is required when FENTA_STORAGE_DRIVER is "s3": set it to the name of the bucket',
        });
      }
      const credentialPairs = [
        ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'],
        ['S3_SECRET_ACCESS_KEY', 'S3_ACCESS_KEY_ID'],
      ] as const;
      for (const [variable, other] of credentialPairs) {
        if (env[other] && !env[variable]) {
          context.addIssue({
            code: 'custom',
            path: [variable],
            message: `is required when ${other} is set (or unset both to use the default AWS credential chain)`,
          });
        }
      }
    },
    { when: () => true },
  );

/**
 * Reads the storage settings from an app's environment: FENTA_STORAGE_DRIVER
 * (`local` | `s3`; `s3` when S3_BUCKET is set), FENTA_STORAGE_DIR, and the
 * S3_* variables. Throws CONFIG_INVALID naming every wrong variable.
 */
export function readStorageConfig(env: Record<string, string | undefined>, defaults: { localRoot: string }): StorageConfig {
  // A variable set to an empty string (`S3_BUCKET=` in a compose file) means "not set".
  const present = Object.fromEntries(
    Object.keys(storageEnvShape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value]];
    }),
  );
  const parsed = parseEnv(storageEnvSchema, present);
  if (chosenDriver(parsed) === 'local') {
    return { driver: 'local', root: parsed.FENTA_STORAGE_DIR ?? defaults.localRoot };
  }
  return {
    driver: 's3',
    // The schema has already refused s3 without a bucket.
    bucket: parsed.S3_BUCKET as string,
    region: parsed.S3_REGION,
    forcePathStyle: parsed.S3_FORCE_PATH_STYLE ?? parsed.S3_ENDPOINT !== undefined,
    ...(parsed.S3_ENDPOINT === undefined ? {} : { endpoint: parsed.S3_ENDPOINT }),
    ...(parsed.S3_ACCESS_KEY_ID === undefined ? {} : { accessKeyId: parsed.S3_ACCESS_KEY_ID }),
    ...(parsed.S3_SECRET_ACCESS_KEY === undefined ? {} : { secretAccessKey: parsed.S3_SECRET_ACCESS_KEY }),
    ...(parsed.S3_PREFIX ? { prefix: parsed.S3_PREFIX } : {}),
  };
}

/** The driver asked for, or `s3` when a bucket is configured, else `local`. */
function chosenDriver(env: { FENTA_STORAGE_DRIVER?: string; S3_BUCKET?: string }): string {
  return env.FENTA_STORAGE_DRIVER ?? (env.S3_BUCKET ? 's3' : 'local');
}
