import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, JobEventListener } from '@fenta/db';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { lookupHost, type Logger } from '@fenta/core';
import { LocalStorage, type Storage } from '@fenta/storage';
import { defaultAssetMaxBytes, defaultTempDir } from './env';
import { builtInNodeDefinitionRegistry, type NodeDefinitionRegistry } from '@fenta/graph';
import { createRenderQueue, type RenderQueue } from '@fenta/queue';
import { answerClientError, answerFrameworkError, registerErrorHandling } from './http/register-error-handling';
import { requestIdFor } from './http/request-id';
import { fastifyTrustProxy, type TrustProxy } from './http/trust-proxy';
import { registerHealthRoutes } from './routes/health.routes';
import { boardEnabled, registerBoard } from './routes/board.routes';
import type { BoardPasswords } from './board/board-logins';
import type { LoginThrottleSettings } from './board/login-throttle';
import { registerOpenApi } from './http/openapi';
import { registerV1 } from './routes/v1/register-v1';
import type { RateLimitSettings } from './http/rate-limit';
import { registerMetricsRoute } from './routes/metrics.routes';
import { createApiMetrics, type MetricsSources } from './metrics/api-metrics';
import type { UploadSettings, WebhookSettings } from './api-context';

export interface AppDependencies {
  db: Kysely<DB>;
  redis: Redis;
  logger: Logger;
  queues: Queue[];
  /** Bull Board's logins; the board is off when neither has a password. */
  board?: BoardPasswords & { throttle?: Partial<LoginThrottleSettings> };
  /** Which proxies may say who the client is; none by default. */
  trustProxy?: TrustProxy;
  /** Per-key request limits of /v1; 600 a minute by default. */
  rateLimit?: RateLimitSettings;
  /** The migrations readiness compares the database with; the shipped ones by default. */
  migrationsDir?: string;
  /** Where assets are stored; local storage in .fenta/storage (the worker's default) unless given. */
  storage?: Storage;
  /** Limits and temp folder of asset uploads; FENTA_ASSET_MAX_BYTES's and FENTA_TEMP_DIR's defaults unless given. */
  uploads?: Partial<UploadSettings>;
  /** The current time as the routes see it; the system clock by default (a test fixes it). */
  clock?: () => Date;
  /** How webhook URLs are checked and their secrets kept; by default http or https to public addresses, node:dns, secrets unsealed. */
  webhooks?: Partial<WebhookSettings>;
  /** FENTA_METRICS_TOKEN: when set, /metrics wants it as a bearer token. */
  metricsToken?: string;
  /** How long /metrics waits for and reuses its PostgreSQL and Redis readings. */
  metrics?: Pick<MetricsSources, 'sourceTimeoutMs' | 'cacheMs'>;
  /** The render queue new jobs are added to; by default one on `redis` with the default prefix, opened when a job is first created. */
  renderQueue?: RenderQueue;
  /** The node definitions graphs are validated against; the built-in ones by default. */
  registry?: NodeDefinitionRegistry;
  /** How long adding a job to the queue may hold a request (1 s by default); a job not added in time is left to the reconciler. */
  enqueueTimeoutMs?: number;
  /** The shared LISTEN connection for job events; the event streams answer INTERNAL without it. */
  jobEvents?: JobEventListener;
  /** The API's base URL as clients reach it; http://127.0.0.1:8080 by default. */
  publicUrl?: string;
  /** How often an idle event stream sends a heartbeat comment; 15 s by default. */
  eventHeartbeatMs?: number;
}

const defaultPublicUrl = 'http://127.0.0.1:8080';
const defaultEventHeartbeatMs = 15_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `METHOD /url` the app serves (HEAD aside), in the order routes were added. */
    servedRoutes: readonly string[];
  }
}

/** Builds the HTTP app without listening, so tests drive it with `inject()`. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // pino 10's Logger type is a superset fastify's typings do not name; it is the same object at runtime.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(deps.trustProxy ?? false),
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // An unknown field is an error the caller hears about, not something dropped without a word.
    ajv: { customOptions: { removeAdditional: false } },
  });
  registerErrorHandling(app);
  const metrics = createApiMetrics({ db: deps.db, queues: deps.queues, ...deps.metrics });
  // Before any route, so every request is timed, the unmatched ones included.
  metrics.observeRequests(app);
  // What the app serves, for the test that holds the OpenAPI document to it.
  const served: string[] = [];
  app.decorate('servedRoutes', served);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') served.push(`${method} ${route.url}`);
  });

  await registerOpenApi(app);
  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, { registry: metrics.registry, token: deps.metricsToken });
  let ownQueue: RenderQueue | undefined;
  const renderQueue = () => deps.renderQueue ?? (ownQueue ??= createRenderQueue({ connection: deps.redis }));
  app.addHook('onClose', async () => {
    await ownQueue?.close();
  });
  await registerV1(app, {
    db: deps.db,
    redis: deps.redis,
    logger: deps.logger,
    rateLimit: deps.rateLimit ?? { perMinute: 600 },
    storage: deps.storage ?? new LocalStorage('.fenta/storage'),
    uploads: { maxBytes: deps.uploads?.maxBytes ?? defaultAssetMaxBytes, tempDir: deps.uploads?.tempDir ?? defaultTempDir },
    clock: deps.clock ?? (() => new Date()),
    webhooks: {
      urlPolicy: deps.webhooks?.urlPolicy ?? { requireHttps: false, allowLoopback: false },
      resolveHost: deps.webhooks?.resolveHost ?? lookupHost,
      secretsKey: deps.webhooks?.secretsKey,
    },
    renderQueue,
    registry: deps.registry ?? builtInNodeDefinitionRegistry,
    enqueueTimeoutMs: deps.enqueueTimeoutMs,
    jobEvents: deps.jobEvents,
    publicUrl: deps.publicUrl ?? defaultPublicUrl,
    eventHeartbeatMs: deps.eventHeartbeatMs ?? defaultEventHeartbeatMs,
  });
  if (boardEnabled(deps.board)) await registerBoard(app, { queues: deps.queues, redis: deps.redis, passwords: deps.board, throttle: deps.board.throttle });
  return app;
}
