export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded-postgres';
export { startRedisServer, type RedisServerOptions, type RunningRedis } from './redis-server';
export { isPortFree, findFreePort, assertPortFree } from './ports';
export { waitForOutput, stopChild } from './wait-for-output';
