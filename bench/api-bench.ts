/**
 * API benchmark: `POST /v1/jobs` (a real API key, a valid inline graph, an
 * Idempotency-Key per request) against the API app running as its own
 * process, at a fixed concurrency, and two baselines measured in the same run
 * on the same PostgreSQL and Redis:
 *   - bare: a loop of `queue.add` (what enqueueing costs with nothing durable);
 *   - durable: a loop that inserts a `jobs`-like row and then calls
 *     `queue.add`, the least an enqueue that survives a Redis loss can do.
 * Each phase runs for the same time after a warm-up. Prints each phase's
 * rate and latency percentiles, and ends with one line:
 * `api_rps=… p50_ms=… p99_ms=… durable_rps=… durable_p99_ms=… bare_rps=… ratio=…`
 * where ratio = api_rps / durable_rps.
 *
 *   node -r ./test/register-ts.cjs bench/api-bench.ts [--seconds 10] [--concurrency 32] [--cpu-prof DIR]
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { issueApiKey } from '../packages/core/src';
import { demoWorkflow, ensureDemoApiKey } from '../packages/db/src';
import { findFreePort } from '../packages/local-services/src';
import { createRenderQueue, enqueueRender } from '../packages/queue/src';
import { startBenchStack, waitForHealth } from './bench-stack';

export interface PhaseResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface ApiBenchResult {
  api: PhaseResult;
  durable: PhaseResult;
  bare: PhaseResult;
  ratio: number;
}

/**
 * Runs `operation` `concurrency` at a time, back to back, for `warmupMs`
 * (not counted) then `durationMs`; returns the rate and latencies of the
 * operations that started in the measured window.
 */
async function measure(concurrency: number, warmupMs: number, durationMs: number, operation: () => Promise<void>): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measuredFrom = start + warmupMs;
  const end = measuredFrom + durationMs;
  let firstError: unknown;
  const lane = async () => {
    while (performance.now() < end) {
      const began = performance.now();
      try {
        await operation();
        if (began >= measuredFrom) latencies.push(performance.now() - began);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (errors > 0) process.stderr.write(`  ${errors} operations failed; the first: ${(firstError as Error).message}\n`);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { requests: latencies.length, rps: latencies.length / (durationMs / 1000), p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

/** One POST over a kept-alive connection; resolves with the status and body. */
function post(agent: http.Agent, port: number, pathName: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathName,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export interface ApiBenchOptions {
  /** Measured seconds per phase (after a 2 s warm-up); default 10. */
  seconds?: number;
  /** Operations in flight at once; default 32. */
  concurrency?: number;
  /** Write the API process's V8 CPU profile (.cpuprofile) into this folder, to see where its time goes. */
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

export async function runApiBench(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const seconds = options.seconds ?? 10;
  const concurrency = options.concurrency ?? 32;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const warmupMs = 2_000;
  const stack = await startBenchStack('api', { poolSize: 10 });
  const { db, orgId, dir } = stack;
  try {
    const issued = issueApiKey();
    await ensureDemoApiKey(db, { issued });
    // The durable baseline's row: what a job row must hold at least (id, org, frozen graph and variables, status).
    await sql`CREATE TABLE bench_jobs (id text PRIMARY KEY, org_id text NOT NULL, graph jsonb NOT NULL, variables jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued', created_at timestamptz NOT NULL DEFAULT now())`.execute(db);

    const port = await findFreePort();
    const api = await stack.startApp(
      'api',
      {
        FENTA_API_PORT: String(port),
        FENTA_STORAGE_DIR: path.join(dir, 'storage'),
        FENTA_TEMP_DIR: path.join(dir, 'tmp'),
        // The per-key limit (600/min by default) is not what is measured.
        FENTA_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: 'info',
      },
      options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    );
    await waitForHealth(`http://127.0.0.1:${port}/health`, api, 'the API');

    const graph = JSON.stringify(demoWorkflow.graph);
    const variables = { topic: 'bench' };
    const body = JSON.stringify({ graph: demoWorkflow.graph, variables });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const headers = () => ({ authorization: `Bearer ${issued.key}`, 'idempotency-key': randomUUID() });

    // Each baseline has a queue of its own (the API's set-up, another key prefix), so one's backlog does not slow the next.
    const queue = (prefix: string) => {
      const made = createRenderQueue({ connection: { url: stack.redisUrl }, prefix });
      stack.onStop(() => made.close());
      return made;
    };
    const bareQueue = queue('{bench-bare}');
    const durableQueue = queue('{bench-durable}');

    log(`concurrency ${concurrency}, ${seconds} s per phase after a ${warmupMs / 1000} s warm-up`);
    const bare = await measure(concurrency, warmupMs, seconds * 1000, async () => {
      await enqueueRender(bareQueue, `job_${randomUUID()}`);
    });
    log(`bare queue.add:        ${describe(bare)}`);
    const durable = await measure(concurrency, warmupMs, seconds * 1000, async () => {
      const id = `job_${randomUUID()}`;
      await sql`INSERT INTO bench_jobs (id, org_id, graph, variables) VALUES (${id}, ${orgId}, ${graph}::jsonb, ${JSON.stringify(variables)}::jsonb)`.execute(
        db,
      );
      await enqueueRender(durableQueue, id);
    });
    log(`insert + queue.add:    ${describe(durable)}`);
    const apiPhase = await measure(concurrency, warmupMs, seconds * 1000, async () => {
      const answer = await post(agent, port, '/v1/jobs', headers(), body);
      if (answer.status !== 202) throw new Error(`POST /v1/jobs answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    });
    log(`POST /v1/jobs (API):   ${describe(apiPhase)}`);
    agent.destroy();
    const ratio = apiPhase.rps / durable.rps;
    log(`api/durable rate ${ratio.toFixed(3)}, api/durable p99 ${(apiPhase.p99Ms / durable.p99Ms).toFixed(2)}`);
    return { api: apiPhase, durable, bare, ratio };
  } finally {
    await stack.stop();
  }
}

function describe(phase: PhaseResult): string {
  return `${phase.rps.toFixed(0)}/s, p50 ${phase.p50Ms.toFixed(1)} ms, p99 ${phase.p99Ms.toFixed(1)} ms (${phase.requests} requests${phase.errors ? `, ${phase.errors} failed` : ''})`;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '32' }, 'cpu-prof': { type: 'string' } },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  if (!Number.isFinite(seconds) || seconds <= 0 || !Number.isInteger(concurrency) || concurrency < 1) {
    process.stderr.write('usage: ./fenta bench api [--seconds N] [--concurrency C] [--cpu-prof DIR]\n');
    process.exit(2);
  }
  runApiBench({ seconds, concurrency, cpuProfileDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined }).then(
    ({ api, durable, bare, ratio }) => {
      process.stdout.write(
        `api_rps=${api.rps.toFixed(0)} p50_ms=${api.p50Ms.toFixed(1)} p99_ms=${api.p99Ms.toFixed(1)} durable_rps=${durable.rps.toFixed(0)} durable_p99_ms=${durable.p99Ms.toFixed(1)} bare_rps=${bare.rps.toFixed(0)} ratio=${ratio.toFixed(3)}\n`,
      );
      process.exit(api.errors > 0 ? 1 : 0);
    },
    (error: unknown) => {
      process.stderr.write(`api bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
