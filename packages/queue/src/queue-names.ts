/** The BullMQ queues Fenta runs. A job's BullMQ id is the id of its `jobs` row. */
export const queueNames = {
  /** Workflow runs: one BullMQ job per `jobs` row, executed node by node by apps/worker. */
  renders: 'fenta-renders',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** The key prefix every Fenta queue lives under in Redis. */
export const defaultQueuePrefix = 'fenta';

/** How a render job is retried and kept in Redis. Postgres keeps the history; Redis only what is useful to operators. */
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
