// A process that runs one job through the executor when told "go" on stdin, then prints its outcome and the
// node runs it made as one JSON line. Two of them at once are two workers handed the same job. A Test.Gate
// node of the job waits until the process is told "open", so a test can hold one run while the other claims.
import { createInterface } from 'node:readline';
import { runJob } from '@fenta/pipeline';
import { testExecutorDeps } from './test-executor-deps';

async function main(): Promise<void> {
  const { deps, script } = testExecutorDeps({ databaseUrl: process.env.DATABASE_URL!, dir: process.env.FENTA_TEST_DIR! });
  const told = new Map<string, () => void>();
  const heard = (word: string) => new Promise<void>((resolve) => told.set(word, resolve));
  const go = heard('go');
  script.gate = heard('open');
  createInterface({ input: process.stdin }).on('line', (line) => told.get(line)?.());
  process.stdout.write('ready\n');
  await go;
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
