import path from 'node:path';
import { createLogger } from '@fenta/core';
import { createDatabase } from '@fenta/db';
import { LocalStorage } from '@fenta/storage';
import { defineNodeType, defaultPriceTable, createNodeRegistry, type ExecutorDeps } from '@fenta/pipeline';
import { z } from 'zod';
// The executor's test node types: they count runs and block on demand, like real nodes but instantly.
import { executorTestNodeTypes, type Script } from '../../../../packages/pipeline/test/executor/executor-fixture';
import { testProviders } from '../../../../packages/pipeline/test/support/node-test-context';

/**
 * Executor dependencies for a worker process started by a test: the test
 * node types, plus `Test.Crash`, which kills its own process the way an
 * out-of-memory kill or a segfault in ffmpeg's parent would.
 */
export function testExecutorDeps(env: { databaseUrl: string; dir: string; cancelPollMs?: number }): { deps: ExecutorDeps; script: Script } {
  const script: Script = { calls: {}, failures: {} };
  const crash = defineNodeType({
    type: 'Test.Crash',
    stage: 'edit',
    description: 'kills the process running it',
    params: z.object({}),
    inputs: { script: { kind: 'script' } },
    output: 'timeline',
    retry: { attempts: 1, backoffMs: 0 },
    timeoutMs: 60_000,
    async run() {
      process.kill(process.pid, 'SIGKILL');
      return new Promise<never>(() => undefined);
    },
  });
  const deps: ExecutorDeps = {
    db: createDatabase({ url: env.databaseUrl, poolSize: 4, applicationName: 'fenta-test-worker' }),
    storage: new LocalStorage(path.join(env.dir, 'storage')),
    registry: createNodeRegistry([...executorTestNodeTypes(script), crash]),
    providers: testProviders(),
    logger: createLogger({ service: 'test-worker', level: process.env.LOG_LEVEL ?? 'silent' }),
    prices: defaultPriceTable,
    tempRoot: path.join(env.dir, 'tmp'),
    publicUrl: 'http://127.0.0.1:8080',
    cancelPollMs: env.cancelPollMs ?? 50,
    // One node at a time: these tests read the exact order of a job's log across crashes and restarts.
    nodeConcurrency: 1,
  };
  return { deps, script };
}
