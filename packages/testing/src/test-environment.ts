/** The services `./fenta test` (jest's global setup) started, read from the environment it exported. */
export interface TestEnvironment {
  /** Admin connection (maintenance database) on which throwaway databases are created. */
  adminDatabaseUrl: string;
  /** A database migrated once per run, copied for tests that want the full schema. */
  templateDatabase: string;
  redisUrl: string;
}

export function testEnvironment(): TestEnvironment {
  const adminDatabaseUrl = process.env.FENTA_TEST_DATABASE_URL;
  const templateDatabase = process.env.FENTA_TEST_TEMPLATE_DATABASE;
  const redisUrl = process.env.FENTA_TEST_REDIS_URL;
  if (!adminDatabaseUrl || !templateDatabase || !redisUrl) {
    throw new Error('Test services are not running: run the suite with ./fenta test (or pnpm jest from the repository root, whose global setup starts them).');
  }
  return { adminDatabaseUrl, templateDatabase, redisUrl };
}
