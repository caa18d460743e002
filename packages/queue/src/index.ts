export { createRedisConnection, connectRedis, assertNoEviction, readEvictionPolicy } from './redis-connection';
export { queueNames, defaultQueuePrefix, renderJobOptions, type QueueName, type RenderJobData } from './queue-names';
export { redisCheck } from './redis-check';
export { isRedisUnreachable } from './redis-unreachable';
