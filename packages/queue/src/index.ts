export { createRedisConnection, connectRedis, assertNoEviction, readEvictionPolicy, failFastCommandTimeoutMs } from './redis-connection';
export {
  renderQueueName,
  defaultQueuePrefix,
  renderJobOptions,
  createRenderQueue,
  enqueueRender,
  createRenderQueueEvents,
  createRenderWorker,
  type RenderJobData,
  type RenderQueue,
  type RenderQueueLocation,
  type RenderWorkerOptions,
} from './render-queue';
export { redisCheck } from './redis-check';
export { isRedisUnreachable } from './redis-unreachable';
