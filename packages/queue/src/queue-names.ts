/** The BullMQ queues Fenta runs. A job's BullMQ id is the id of its `jobs` row. */
export const queueNames = {
  /** Workflow runs: one BullMQ job per `jobs` row, executed node by node by apps/worker. */
  renders: 'fenta-renders',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** The key prefix every Fenta queue lives under in Redis. */
export const defaultQueuePrefix = 'fenta';
