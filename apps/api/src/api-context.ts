import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from '@fenta/core';
import type { DB } from '@fenta/db';
import type { RateLimitSettings } from './http/rate-limit';

/** What the /v1 routes are built from; built once by main.ts (or a test) and passed to each route plugin. */
export interface ApiContext {
  db: Kysely<DB>;
  redis: Redis;
  logger: Logger;
  rateLimit: RateLimitSettings;
}
