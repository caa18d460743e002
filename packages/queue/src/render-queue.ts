import { Queue, QueueEvents, Worker, type ConnectionOptions, type Processor } from 'bullmq';

/**
 * The one place the render queue is set up: its name, its key prefix, how its
 * jobs are retried and kept, and how a worker takes them. The API, the
 * scheduler, the worker, the reconciler and the CLI all go through here, so
 * a job added anywhere behaves the same.
 */

/** Workflow runs: one BullMQ job per `jobs` row, whose BullMQ id is the row's id. */
export const renderQueueName = 'fenta-renders';

/**
 * The key prefix in Redis. The braces make it a Redis Cluster hash tag: every
 * key of the queue lands in one slot, which BullMQ's multi-key scripts need.
 */
export const defaultQueuePrefix = '{fenta}';

/**
 * How a render job is retried and kept in Redis. The queue retries only a
 * run that failed outside its nodes (the database went away mid-run): a
 * node's own failures are retried by its node policy, once, in one place.
 * Postgres keeps the history; Redis only what is useful to operators.
 */
export const renderJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/** The payload of a render job: just the id; everything else is in Postgres. */
export interface RenderJobData {
  jobId: string;
}

export type RenderQueue = Queue<RenderJobData>;

/** Where the queue lives: a Redis connection (an ioredis instance or options such as `{ url }`) and the key prefix. */
export interface RenderQueueLocation {
  connection: ConnectionOptions;
  /** `defaultQueuePrefix` unless told (tests use one prefix each). */
  prefix?: string;
}

/** Opens the render queue for adding and inspecting jobs. The caller closes it. */
export function createRenderQueue(location: RenderQueueLocation): RenderQueue {
  return new Queue<RenderJobData>(renderQueueName, {
    connection: location.connection,
    prefix: location.prefix ?? defaultQueuePrefix,
    defaultJobOptions: renderJobOptions,
  });
}

/** Adds the run of `jobs` row `jobId`; adding an id that is already waiting or running does nothing. */
export async function enqueueRender(queue: RenderQueue, jobId: string): Promise<void> {
  await queue.add('run', { jobId }, { ...renderJobOptions, jobId });
}

/** The queue's event stream (progress, completed, failed), for followers such as the CLI. The caller closes it. */
export function createRenderQueueEvents(location: RenderQueueLocation): QueueEvents {
  return new QueueEvents(renderQueueName, { connection: location.connection, prefix: location.prefix ?? defaultQueuePrefix });
}

/** How a worker holds the jobs it runs. */
export interface RenderWorkerOptions extends RenderQueueLocation {
  concurrency: number;
  /**
   * How long a job stays locked to a worker without a renewal (renewed every
   * half of it). After that another worker may take it; the run's lease in
   * Postgres (the same length) decides who really runs it.
   */
  lockDurationMs: number;
}

/** Starts a BullMQ worker on the render queue; `processor` gets the job, its lock token and a signal aborted when the lock is lost. */
export function createRenderWorker(processor: Processor<RenderJobData>, options: RenderWorkerOptions): Worker<RenderJobData> {
  const worker = new Worker<RenderJobData>(renderQueueName, processor, {
    connection: options.connection,
    prefix: options.prefix ?? defaultQueuePrefix,
    concurrency: options.concurrency,
    // ffmpeg runs in a child process, so the event loop stays free to renew locks.
    lockDuration: options.lockDurationMs,
    stalledInterval: Math.max(1_000, Math.round(options.lockDurationMs / 2)),
    maxStalledCount: 2,
  });
  // BullMQ only reports a lock it could not renew; a run that lost its lock must stop, so abort its signal.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) worker.cancelJob(jobId, 'lock-lost');
  });
  return worker;
}
