import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { countJobsByStatus, type DB } from '@fenta/db';
import { CachedReading } from './cached-reading';

/** What /metrics reports on. */
export interface MetricsSources {
  db: Kysely<DB>;
  /** The queues whose depth is reported per state (the render queue). */
  queues: Queue[];
  /** How long a scrape waits for PostgreSQL or Redis before reporting without it; 1 s by default. */
  sourceTimeoutMs?: number;
  /** How long queue and job counts are reused between scrapes; 5 s by default. */
  cacheMs?: number;
}

const queueStates = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The API's Prometheus metrics, in a registry of the app's own (several apps
 * in one process, as in tests, do not collide):
 *   fenta_http_request_duration_seconds{method, route, status_code}: the
 *     route is the pattern (`/v1/schedules/:id`), never the raw URL, so ids
 *     make no series; a request no route matched counts as `(unmatched)`;
 *   fenta_queue_jobs{queue, state}: BullMQ's counts per state;
 *   fenta_jobs{status}: the jobs table by status, every org together;
 *   fenta_metrics_source_up{source}: 1 when postgres / redis answered the
 *     last reading in time, else 0 and their series are left out;
 *   and Node's process metrics (process_*, nodejs_*).
 */
export function createApiMetrics(sources: MetricsSources): { registry: Registry; observeRequests: (app: FastifyInstance) => void } {
  const registry = new Registry();
  const timeoutMs = sources.sourceTimeoutMs ?? 1_000;
  const ttlMs = sources.cacheMs ?? 5_000;
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'fenta_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const queueCounts = new CachedReading(
    async () => Promise.all(sources.queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...queueStates) }))),
    { ttlMs, timeoutMs },
  );
  const jobCounts = new CachedReading(() => countJobsByStatus(sources.db, timeoutMs), { ttlMs, timeoutMs });

  new Gauge({
    name: 'fenta_queue_jobs',
    help: 'Jobs in each BullMQ queue, by state.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const reading = await queueCounts.get();
      if (!reading.ok) return;
      for (const { queue, counts } of reading.value) for (const state of queueStates) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'fenta_jobs',
    help: 'Rows of the jobs table, every org together, by status.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const reading = await jobCounts.get();
      if (!reading.ok) return;
      for (const { status, count } of reading.value) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'fenta_metrics_source_up',
    help: 'Whether the source of some of these metrics answered the last reading in time (1) or not (0, its series are left out).',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const [postgres, redis] = await Promise.all([jobCounts.get(), queueCounts.get()]);
      this.set({ source: 'postgres' }, postgres.ok ? 1 : 0);
      this.set({ source: 'redis' }, redis.ok ? 1 : 0);
    },
  });

  const observeRequests = (app: FastifyInstance) => {
    app.addHook('onResponse', async (request, reply) => {
      const method = knownMethods.has(request.method) ? request.method : 'OTHER';
      duration.observe({ method, route: request.routeOptions.url ?? '(unmatched)', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
  };
  return { registry, observeRequests };
}
