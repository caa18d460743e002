import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from '@fenta/core';
import type { DB } from '@fenta/db';
import type { RateLimitSettings } from './http/rate-limit';
import type { Storage } from '@fenta/storage';

/** What the /v1 routes are built from; built once by main.ts (or a test) and passed to each route plugin. */
export interface ApiContext {
  db: Kysely<DB>;
  redis: Redis;
  logger: Logger;
  rateLimit: RateLimitSettings;
  /** Where media lives; the routes reach it only through scopeStorageToOrg. */
  storage: Storage;
  /** What asset uploads may be: their largest size, and where they wait while received and probed. */
  uploads: UploadSettings;
}

export interface UploadSettings {
  maxBytes: number;
  tempDir: string;
}
