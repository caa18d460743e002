export { createTestDatabase, type TestDatabase, type Query } from './test-database';
export { createTestRedis, type TestRedis } from './test-redis';
export { testEnvironment, type TestEnvironment } from './test-environment';
