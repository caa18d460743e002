// A process that runs one job through the executor when told "go" on stdin, then prints its outcome and the
// node runs it made as one JSON line. Two of them at once are two workers handed the same job.
import { createInterface } from 'node:readline';
import { runJob } from '@fenta/pipeline';
import { testExecutorDeps } from './test-executor-deps';

async function main(): Promise<void> {
  const { deps, script } = testExecutorDeps({ databaseUrl: process.env.DATABASE_URL!, dir: process.env.FENTA_TEST_DIR! });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  for await (const line of lines) if (line === 'go') break;
  const outcome = await runJob(deps, { jobId: process.env.JOB_ID!, finalAttempt: true });
  process.stdout.write(`${JSON.stringify({ status: outcome.status, calls: script.calls })}\n`);
  await deps.db.destroy();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
