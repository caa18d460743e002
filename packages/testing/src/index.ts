export { createTestDatabase, type TestDatabase, type Query } from './test-database';
export { createTestRedis, type TestRedis } from './test-redis';
export { testEnvironment, type TestEnvironment } from './test-environment';
export { startFakeS3Server, fakeS3Credentials, type FakeS3Server } from './fake-s3-server';
export { jobCostAndUsage, type JobCostAndUsage } from './job-cost';
