import { rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { FentaError, type Logger } from '@fenta/core';
import { findQuotaShortfall, type DB, type Job } from '@fenta/db';
import { validateGraph } from '@fenta/graph';
import { cancelRun, claimRun, maxJobRetries, parseJobConfig, type JobResult } from '@fenta/jobs';
import type { Storage } from '@fenta/storage';
import type { NodeRegistry } from '../nodes/node-registry';
import type { PipelineProviders } from '../providers/pipeline-providers';
import type { PriceTable } from '../usage/price-table';
import { JobStop } from './abort-reasons';
import type { RenderSlots } from './render-slots';
import { JobLogWriter } from './job-log-writer';
import { runNodes, runTempDir, type NodesInFlight } from './run-nodes';
import { settleRunFailure } from './settle-run-failure';
import { watchRun } from './watch-run';

/** What the executor needs; built once per worker process. */
export interface ExecutorDeps {
  db: Kysely<DB>;
  storage: Storage;
  registry: NodeRegistry;
  providers: PipelineProviders;
  logger: Logger;
  prices: PriceTable;
  /** Where node temp folders go: `<tempRoot>/<job>/<node>`, removed after each node. */
  tempRoot: string;
  /** The API's base URL (FENTA_PUBLIC_URL): `jobs.result` links to its download routes, `<publicUrl>/v1/renders/<id>/…`. */
  publicUrl: string;
  /** How often a running job checks whether it was cancelled and still holds its lease. */
  cancelPollMs?: number;
  /** How long a run's lease on its job lasts without renewal (renewed a few times per period). */
  leaseMs?: number;
  /** Nodes of one job that run at once when their inputs are ready (3); 1 runs them one after another. */
  nodeConcurrency?: number;
  /**
   * The worker's render slots, shared by the jobs it runs: a node that
   * renders on every core (Output.Render) waits for one. Unset: no limit.
   */
  renderSlots?: RenderSlots;
}

export interface RunJobOptions {
  jobId: string;
  /** Aborted when the worker shuts down: the job is handed back to the queue. */
  signal?: AbortSignal;
  /** Aborted when the worker lost the queue's lock on the job: the run stops and hands the job back. */
  lockSignal?: AbortSignal;
  /** Whether a failure outside the nodes now is final (no queue retry left). */
  finalAttempt: boolean;
  /** 0–100, for the queue's own progress. */
  onProgress?: (percent: number) => void;
}

export type JobRunOutcome =
  | { status: 'completed'; result: JobResult }
  | { status: 'cancelled' }
  | { status: 'handed-back' }
  /** Another run holds the job until `until`: try again then. */
  | { status: 'held'; until: Date }
  /** The job's org is running as many jobs as it may at once: try again shortly, without spending an attempt. */
  | { status: 'org-busy'; running: number; limit: number }
  /** This run lost the job to another run; it stopped without writing. */
  | { status: 'lease-lost' }
  /** `retryable`: the queue should run the job again (the failure was outside its nodes). */
  | { status: 'failed'; error: FentaError; retryable: boolean }
  | { status: 'not-runnable'; jobStatus: string };

const defaultLeaseMs = 60_000;

/**
 * Runs a job's graph, independent branches side by side. The run first leases the job (one run at a
 * time, whatever the queue does), checks the job may still run (cancel
 * request, crash count, quota) and re-validates its frozen graph, then runs
 * the nodes. Nodes with a checkpoint are not run again (their output is
 * reused), so a retried or restarted job resumes where it stopped. The job
 * row always leaves `processing` (completed, failed, cancelled, handed back)
 * unless another run took it over.
 */
export async function runJob(deps: ExecutorDeps, options: RunJobOptions): Promise<JobRunOutcome> {
  const { db } = deps;
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const claim = await claimRun(db, options.jobId, leaseMs);
  if (!claim.claimed) {
    if (claim.reason === 'held') return { status: 'held', until: claim.until };
    if (claim.reason === 'org-busy') return { status: 'org-busy', running: claim.running, limit: claim.limit };
    return { status: 'not-runnable', jobStatus: claim.reason === 'ended' ? claim.status : 'missing' };
  }
  const { run, job } = claim;
  const logs = new JobLogWriter(db, deps.logger);
  const stopper = new AbortController();
  const stopOn = (signal: AbortSignal | undefined, reason: 'shutdown' | 'lock-lost') => {
    const abort = () => stopper.abort(new JobStop(reason));
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    return () => signal?.removeEventListener('abort', abort);
  };
  const unwatch = [
    stopOn(options.signal, 'shutdown'),
    stopOn(options.lockSignal, 'lock-lost'),
    watchRun({ db, run, stopper, pollMs: deps.cancelPollMs ?? 1_000, leaseMs, logger: deps.logger }),
  ];
  const inFlight: NodesInFlight = { running: new Map() };

  try {
    const refusal = await refusalToRun(db, job, claim.crashedTooOften);
    if (refusal === 'cancelled') {
      if (!(await cancelRun(db, run))) return { status: 'lease-lost' };
      logs.write({ jobId: run.jobId, level: 'warn', stage: null, message: 'job cancelled before it started' });
      return { status: 'cancelled' };
    }
    if (refusal) throw refusal;
    if (claim.resurrected) {
      logs.write({
        jobId: run.jobId,
        level: 'warn',
        stage: null,
        message: `the previous run stopped without finishing; resuming (retry ${job.retry_count} of ${maxJobRetries})`,
      });
      // Written now: if this run dies the same way, the line must already be there.
      await logs.flush();
    }
    const config = parseJobConfig(job.config);
    const plan = validateGraph(config.graph, deps.registry);
    const result = await runNodes(deps, { run, job, config, plan, leaseMs, stopper, logs, inFlight, onProgress: options.onProgress });
    options.onProgress?.(100);
    logs.write({ jobId: run.jobId, level: 'info', stage: 'export', message: 'job completed', data: { duration: result.duration } });
    return { status: 'completed', result };
  } catch (thrown) {
    const cause = inFlight.cause;
    const beside = [...inFlight.running.values()].filter((node) => node !== cause);
    return await settleRunFailure({ db, logger: deps.logger, run, thrown, node: cause, beside, logs, finalAttempt: options.finalAttempt });
  } finally {
    for (const stop of unwatch) stop();
    await logs.flush();
    await rm(runTempDir(deps, run), { recursive: true, force: true });
  }
}

/**
 * Why a claimed job must not run now, if it must not: a cancel asked for
 * before it started, a worker that died on it too often, or an org past its
 * quota (a job may have waited in the queue while the quota ran out, or been
 * inserted without going through job creation).
 */
async function refusalToRun(db: Kysely<DB>, job: Job, crashedTooOften: boolean): Promise<'cancelled' | FentaError | undefined> {
  if (job.cancel_requested_at) return 'cancelled';
  if (crashedTooOften) {
    const running = await db
      .selectFrom('job_nodes')
      .select(['node_id', 'node_type'])
      .where('job_id', '=', job.id)
      .where('org_id', '=', job.org_id)
      .where('status', '=', 'running')
      .execute();
    return new FentaError(
      'JOB_CRASHED_REPEATEDLY',
      { job: job.id, times: job.retry_count },
      { details: { running: running.map((node) => `${node.node_id} (${node.node_type})`) } },
    );
  }
  // The rules of check_quota; reservations are not counted: this job's own was admitted when it was created.
  const exhausted = await findQuotaShortfall(db, job.org_id);
  if (exhausted) return new FentaError('QUOTA_EXCEEDED', { org: job.org_id, resource: exhausted.join(', ') }, { details: { resources: exhausted } });
  return undefined;
}
