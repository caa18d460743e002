export { createRedisConnection, connectRedis, assertNoEviction, readEvictionPolicy } from './redis-connection';
export { queueNames, defaultQueuePrefix, renderJobOptions, type QueueName, type RenderJobData } from './queue-names';
