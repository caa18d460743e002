// A render worker process on the test node types (Test.Crash among them), with short locks and a quick
// reconciler, so a test can watch what happens when worker processes die mid-job.
import { startRenderWorker } from '../../src/start-render-worker';
import { testExecutorDeps } from './test-executor-deps';

const { deps } = testExecutorDeps({ databaseUrl: process.env.DATABASE_URL!, dir: process.env.FENTA_TEST_DIR! });
const running = startRenderWorker({
  deps,
  redisUrl: process.env.REDIS_URL!,
  prefix: process.env.FENTA_QUEUE_PREFIX!,
  concurrency: 1,
  logger: deps.logger,
  lockDurationMs: 1_500,
  reconcileIntervalMs: 500,
  reconcileGraceSeconds: 0,
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void running
    .shutdown(1_000)
    .then(() => deps.db.destroy())
    .then(() => process.exit(0));
});
