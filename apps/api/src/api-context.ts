import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { HostResolver, Logger, WebhookUrlPolicy } from '@fenta/core';
import type { DB, JobEventListener } from '@fenta/db';
import type { RateLimitSettings } from './http/rate-limit';
import type { Storage } from '@fenta/storage';
import type { NodeDefinitionRegistry } from '@fenta/graph';
import type { RenderQueue } from '@fenta/queue';

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
  /** The current time as the routes see it (next fire times are counted from it); a test may fix it. */
  clock: () => Date;
  webhooks: WebhookSettings;
  /** The render queue jobs are added to (opened on first use when the app was not given one). */
  renderQueue: () => RenderQueue;
  /** The node definitions graphs are validated against. */
  registry: NodeDefinitionRegistry;
  /** How long adding a job to the queue may hold a request before the job is left to the reconciler. */
  enqueueTimeoutMs?: number;
  /** Wakes job event streams when an event commits. Unset only in tests that follow no job. */
  jobEvents?: JobEventListener;
  /** The API's base URL as clients reach it (FENTA_PUBLIC_URL): the download links in render views. */
  publicUrl: string;
  /** How often an idle event stream sends a comment, so proxies keep the connection open. */
  eventHeartbeatMs: number;
}

/** A dependency a route needs that the app was built without: a wiring bug, answered as INTERNAL. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`the API was built without ${name}`);
  return value;
}

export interface UploadSettings {
  maxBytes: number;
  tempDir: string;
}

/** How webhook endpoints are checked and their secrets kept. */
export interface WebhookSettings {
  /** https only in production; loopback only with FENTA_ALLOW_LOOPBACK_URLS. */
  urlPolicy: WebhookUrlPolicy;
  /** Resolves an endpoint's host name (node:dns lookup). */
  resolveHost: HostResolver;
  /** FENTA_SECRETS_KEY: when set, signing secrets are sealed at rest under it. */
  secretsKey?: Buffer;
}
