import type { Worker } from 'bullmq';
import type { Logger } from '@fenta/core';
import { requeueLostJobs } from '@fenta/jobs';
import type { ExecutorDeps } from '@fenta/pipeline';
import { createRedisConnection, createRenderQueue, createRenderWorker, type RenderJobData, type RenderQueue } from '@fenta/queue';
import { createRenderProcessor } from './render-processor';

export interface RenderWorkerOptions {
  deps: ExecutorDeps;
  redisUrl: string;
  prefix?: string;
  concurrency: number;
  logger: Logger;
  /** How long the queue's lock and the run's lease on a job last without renewal; 60 s unless told. */
  lockDurationMs?: number;
  /** How often Postgres is compared with the queue (and once at start unless `reconcileOnStart` is false). */
  reconcileIntervalMs?: number;
  reconcileOnStart?: boolean;
  /** Jobs touched more recently than this are left to their creator by the reconciler; 30 s unless told. */
  reconcileGraceSeconds?: number;
}

export interface RunningRenderWorker {
  worker: Worker<RenderJobData>;
  queue: RenderQueue;
  /**
   * Stops taking jobs, lets running ones finish for `graceMs`, then hands
   * them back (status queued) and returns within bounded time, even when
   * Redis is unreachable (the process is then expected to exit).
   */
  shutdown(graceMs: number): Promise<void>;
  /** Resolves when the worker, the queue and the connection are all closed (needs Redis to answer). */
  readonly closed: Promise<void>;
}

const defaultLockDurationMs = 60_000;

/** Starts the BullMQ worker of the render queue and the lost-job reconciler. */
export function startRenderWorker(options: RenderWorkerOptions): RunningRenderWorker {
  const stop = new AbortController();
  const connection = createRedisConnection(options.redisUrl, { connectionName: 'fenta-worker' });
  // Without a listener ioredis prints every failed reconnect; one line per outage is enough.
  let redisDown = false;
  connection.on('error', (error: Error) => {
    if (!redisDown) options.logger.error({ err: error.message }, 'lost the connection to Redis; retrying');
    redisDown = true;
  });
  connection.on('ready', () => {
    if (redisDown) options.logger.info('connected to Redis again');
    redisDown = false;
  });
  const lockDurationMs = options.lockDurationMs ?? defaultLockDurationMs;
  const location = { connection, prefix: options.prefix };
  const queue = createRenderQueue(location);
  const deps: ExecutorDeps = { ...options.deps, leaseMs: options.deps.leaseMs ?? lockDurationMs };
  const worker = createRenderWorker(createRenderProcessor(deps, stop.signal), { ...location, concurrency: options.concurrency, lockDurationMs });
  worker.on('failed', (job, error) => options.logger.warn({ jobId: job?.id, err: error.message }, 'render job attempt failed'));
  worker.on('error', (error) => options.logger.error({ err: error }, 'worker error'));

  const reconcile = () =>
    requeueLostJobs({ db: options.deps.db, queue, logger: options.logger, graceSeconds: options.reconcileGraceSeconds }).catch((error: unknown) =>
      options.logger.warn({ err: error }, 'could not compare Postgres with the queue; will try again'),
    );
  if (options.reconcileOnStart !== false) void reconcile();
  const reconciler = setInterval(() => void reconcile(), options.reconcileIntervalMs ?? 60_000);

  let closed: Promise<void> | undefined;
  return {
    worker,
    queue,
    get closed() {
      return closed ?? Promise.resolve();
    },
    async shutdown(graceMs) {
      clearInterval(reconciler);
      const closing = worker.close();
      // Everything is released only once BullMQ has closed, which needs Redis to answer.
      closed = closing.then(() => queue.close()).then(() => connection.disconnect());
      const finished = await settlesWithin(closing, graceMs);
      if (!finished) {
        options.logger.warn({ graceMs }, 'running jobs did not finish in time; handing them back to the queue');
        stop.abort();
        await settlesWithin(closing, 5_000);
      }
      if (!(await settlesWithin(closed, 2_000))) {
        options.logger.warn('Redis did not answer while closing; jobs were handed back in Postgres and their locks will expire');
      }
    },
  };
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
