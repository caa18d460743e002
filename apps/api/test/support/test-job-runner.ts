import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createLogger } from '@fenta/core';
import type { DB } from '@fenta/db';
import { defaultPriceTable, runJob, type JobRunOutcome, type NodeRegistry } from '@fenta/pipeline';
import { LocalStorage } from '@fenta/storage';
// The executor's test node types: they count runs, fail and block on demand, like real nodes but instantly.
import { executorTestRegistry, type Script } from '../../../../packages/pipeline/test/executor/executor-fixture';
import { testProviders } from '../../../../packages/pipeline/test/support/node-test-context';

export { testGraph } from '../../../../packages/pipeline/test/executor/executor-fixture';

/**
 * What a worker does with a job, without BullMQ: the real executor on the
 * API's database, with the executor's test node types. The API validates
 * graphs against the same types (pass `registry` to the testbed).
 */
export interface TestJobRunner {
  script: Script;
  registry: NodeRegistry;
  /** Runs the job the way a worker that took it from the queue would. */
  run(db: Kysely<DB>, jobId: string): Promise<JobRunOutcome>;
  cleanup(): Promise<void>;
}

export async function createTestJobRunner(): Promise<TestJobRunner> {
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-api-runner-'));
  const script: Script = { calls: {}, failures: {} };
  const registry = executorTestRegistry(script);
  return {
    script,
    registry,
    run: (db, jobId) =>
      runJob(
        {
          db,
          storage: new LocalStorage(path.join(root, 'storage')),
          registry,
          providers: testProviders(),
          logger: createLogger({ service: 'api-test-runner', level: 'silent' }),
          prices: defaultPriceTable,
          tempRoot: path.join(root, 'tmp'),
          cancelPollMs: 20,
          publicUrl: 'http://127.0.0.1:8080',
        },
        { jobId, finalAttempt: true },
      ),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
