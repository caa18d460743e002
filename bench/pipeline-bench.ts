/**
 * Pipeline benchmark: N copies (4 by default) of the demo workflow (seed
 * 000's sample graph: Input.Stock, Script.Generate, Voice.TTS, Subtitle.Auto,
 * Edit.Timeline, Output.Render on the offline providers) created through
 * `createJob`, the path the API takes, and run by one worker process
 * (apps/worker/dist/main.js) at its default concurrency, on an embedded
 * PostgreSQL and a redis-server of its own, once the worker is ready
 * (its /readyz answers 200). Measures the wall time from the
 * first job's creation to the last one's completion, and for each job its time
 * from creation to completion against the time of its Output.Render node
 * (what the rest of the pipeline adds to the render). Ends with one line:
 * `jobs=… wall_s=… per_hour=… e2e_over_render=…` (e2e_over_render = mean job
 * time from creation to completion / mean Output.Render time; with more jobs
 * than the worker runs at once it includes the time jobs wait in the queue).
 *
 *   node -r ./test/register-ts.cjs bench/pipeline-bench.ts [--jobs 4] [--timeout 900]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createLogger } from '../packages/core/src';
import { builtInNodeDefinitionRegistry } from '../packages/graph/src';
import { createJob } from '../packages/jobs/src';
import { createRenderQueue, defaultQueuePrefix } from '../packages/queue/src';
import { findFreePort } from '../packages/local-services/src';
import { startBenchStack, waitForHealth } from './bench-stack';

export interface PipelineBenchJob {
  id: string;
  status: string;
  e2eSeconds: number;
  waitSeconds: number;
  renderSeconds: number;
  /** Node id → seconds its (last) run took. */
  nodes: Record<string, number>;
}

export interface PipelineBenchResult {
  jobs: PipelineBenchJob[];
  wallSeconds: number;
  perHour: number;
  e2eOverRender: number;
}

const renderNodeType = 'Output.Render';

export async function runPipelineBench(options: { jobs?: number; timeoutSeconds?: number; log?: (line: string) => void } = {}): Promise<PipelineBenchResult> {
  const count = options.jobs ?? 4;
  const timeoutMs = (options.timeoutSeconds ?? 900) * 1000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stack = await startBenchStack('pipeline', { poolSize: 4 });
  const { db, orgId, userId, workflowId } = stack;
  try {
    const healthPort = await findFreePort();
    const worker = await stack.startApp('worker', {
      FENTA_STORAGE_DIR: path.join(stack.dir, 'storage'),
      FENTA_TEMP_DIR: path.join(stack.dir, 'tmp'),
      FENTA_HEALTH_PORT: String(healthPort),
      LOG_LEVEL: 'warn',
    });
    const exited = new Promise<never>((_, reject) => worker.once('exit', (code) => reject(new Error(`the worker exited (code ${code})`))));
    exited.catch(() => undefined);
    // Jobs are created on a running stack, as a product's are: the worker's start-up is not a job's wait.
    await waitForHealth(`http://127.0.0.1:${healthPort}/readyz`, worker, 'the worker');
    const queue = createRenderQueue({ connection: { url: stack.redisUrl }, prefix: defaultQueuePrefix });
    stack.onStop(() => queue.close());
    const logger = createLogger({ service: 'pipeline-bench', level: 'warn' });
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const { job } = await createJob({ db, queue, registry: builtInNodeDefinitionRegistry, logger }, { orgId, createdBy: userId, workflowId });
      ids.push(job.id);
    }
    log(`${count} jobs of ${workflowId} created; one worker at its default concurrency runs them`);

    // Polls the outcome (a benchmark may poll; it asserts nothing).
    const deadline = Date.now() + timeoutMs;
    let finished = 0;
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM jobs WHERE id = ANY(${ids}) AND status IN ('completed', 'failed', 'cancelled')`.execute(db);
      if (rows[0]!.n !== finished) {
        finished = rows[0]!.n;
        log(`  ${finished} of ${count} finished`);
      }
      if (finished === count) break;
      if (Date.now() > deadline) throw new Error(`only ${finished} of ${count} jobs finished within ${timeoutMs / 1000} s`);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), exited]);
    }

    const { rows: jobRows } = await sql<{ id: string; status: string; created_at: Date; started_at: Date | null; completed_at: Date | null }>`
      SELECT id, status, created_at, started_at, completed_at FROM jobs WHERE id = ANY(${ids}) ORDER BY created_at`.execute(db);
    const { rows: nodeRows } = await sql<{ job_id: string; node_id: string; node_type: string; duration_ms: number | null }>`
      SELECT job_id, node_id, node_type, duration_ms FROM job_nodes WHERE job_id = ANY(${ids}) ORDER BY node_id`.execute(db);
    const jobs = jobRows.map((row): PipelineBenchJob => {
      const nodes = nodeRows.filter((node) => node.job_id === row.id);
      const render = nodes.find((node) => node.node_type === renderNodeType);
      const end = row.completed_at ?? new Date();
      return {
        id: row.id,
        status: row.status,
        e2eSeconds: (end.getTime() - row.created_at.getTime()) / 1000,
        waitSeconds: ((row.started_at ?? end).getTime() - row.created_at.getTime()) / 1000,
        renderSeconds: (render?.duration_ms ?? 0) / 1000,
        nodes: Object.fromEntries(nodes.map((node) => [node.node_id, (node.duration_ms ?? 0) / 1000])),
      };
    });
    for (const job of jobs) {
      const nodes = Object.entries(job.nodes)
        .map(([id, seconds]) => `${id} ${seconds.toFixed(2)}`)
        .join(', ');
      log(
        `${job.id} ${job.status}: ${job.e2eSeconds.toFixed(2)} s from creation (${job.waitSeconds.toFixed(2)} s queued), render ${job.renderSeconds.toFixed(2)} s; nodes: ${nodes}`,
      );
    }
    const failed = jobs.filter((job) => job.status !== 'completed');
    if (failed.length > 0) throw new Error(`${failed.length} of ${count} jobs did not complete: ${failed.map((job) => `${job.id} ${job.status}`).join(', ')}`);
    const first = Math.min(...jobRows.map((row) => row.created_at.getTime()));
    const last = Math.max(...jobRows.map((row) => row.completed_at!.getTime()));
    const wallSeconds = (last - first) / 1000;
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    return {
      jobs,
      wallSeconds,
      perHour: (count / wallSeconds) * 3600,
      e2eOverRender: mean(jobs.map((job) => job.e2eSeconds)) / mean(jobs.map((job) => job.renderSeconds)),
    };
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { jobs: { type: 'string', default: '4' }, timeout: { type: 'string', default: '900' } } });
  const jobs = Number(values.jobs);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 100 || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write('usage: ./fenta bench pipeline [--jobs N] [--timeout SECONDS]\n');
    process.exit(2);
  }
  runPipelineBench({ jobs, timeoutSeconds }).then(
    (result) => {
      process.stdout.write(
        `jobs=${result.jobs.length} wall_s=${result.wallSeconds.toFixed(1)} per_hour=${Math.round(result.perHour)} e2e_over_render=${result.e2eOverRender.toFixed(2)}\n`,
      );
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`pipeline bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
