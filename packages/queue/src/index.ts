export { createRedisConnection, connectRedis, assertNoEviction, readEvictionPolicy } from './redis-connection';
export { queueNames, defaultQueuePrefix, type QueueName } from './queue-names';
