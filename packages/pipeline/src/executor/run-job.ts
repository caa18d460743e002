import { mkdir, rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { FentaError, pathInside, type Logger } from '@fenta/core';
import { findQuotaShortfall, findVisibleTemplates, listJobNodes, readJobRunState, startJobNode, type DB, type Job, type JobRunKey } from '@fenta/db';
import { validateGraph, type ExecutionPlan } from '@fenta/graph';
import { cancelRun, claimRun, completeJob, maxJobRetries, parseJobConfig, recordPreviewRender, type JobConfig, type JobResult } from '@fenta/jobs';
import type { Storage } from '@fenta/storage';
import type { RenderResult } from '../artifacts/artifact-types';
import type { NodeRegistry } from '../nodes/node-registry';
import type { PipelineProviders } from '../providers/pipeline-providers';
import type { PriceTable } from '../usage/price-table';
import { JobStop } from './abort-reasons';
import { buildNodeContext } from './build-node-context';
import { JobLogWriter } from './job-log-writer';
import { JobProgress } from './job-progress';
import { recordNodeCheckpoint } from './record-node-checkpoint';
import { runNodeWithPolicy } from './run-node';
import { progressReporter } from './progress-reporter';
import { settleRunFailure, type NodeInFlight } from './settle-run-failure';
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
 * Runs a job's graph node by node. The run first leases the job (one run at a
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
  const inFlight: { node?: NodeInFlight } = {};

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
    return await settleRunFailure({ db, logger: deps.logger, run, thrown, node: inFlight.node, logs, finalAttempt: options.finalAttempt });
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

interface NodesRun {
  run: JobRunKey;
  job: Job;
  config: JobConfig;
  plan: ExecutionPlan;
  leaseMs: number;
  stopper: AbortController;
  logs: JobLogWriter;
  inFlight: { node?: NodeInFlight };
  onProgress?: (percent: number) => void;
}

/** Runs the plan's nodes in order from the first without a checkpoint, then records the job as completed. */
async function runNodes(deps: ExecutorDeps, state: NodesRun): Promise<JobResult> {
  const { db } = deps;
  const { run, job, config, plan, stopper, logs } = state;
  const jobId = run.jobId;
  const checkpoints = new Map((await listJobNodes(db, run.orgId, jobId)).filter((row) => row.status === 'completed').map((row) => [row.node_id, row.output]));
  const typeOf = (nodeId: string) => deps.registry.get(plan.graph.nodes.find((node) => node.id === nodeId)!.type)!;
  const progress = new JobProgress(plan.order.map((nodeId) => typeOf(nodeId).stage));
  const reporter = progressReporter(db, run, state.onProgress);
  const outputs: Record<string, unknown> = {};

  for (const [index, nodeId] of plan.order.entries()) {
    const nodeType = typeOf(nodeId);
    if (checkpoints.has(nodeId)) {
      outputs[nodeId] = checkpoints.get(nodeId);
      logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) resumed from its checkpoint` });
      continue;
    }
    if (stopper.signal.aborted) throw stopper.signal.reason;
    const started = Date.now();
    const firstAttempt = await startJobNode(db, run, { nodeId, nodeType: nodeType.type });
    if (firstAttempt === undefined) throw new FentaError('JOB_LEASE_LOST', { job: jobId });
    state.inFlight.node = { id: nodeId, type: nodeType.type, started };
    const record = { usage: [] as Parameters<typeof recordNodeCheckpoint>[2]['usage'] };
    const inputs = Object.fromEntries(Object.entries(plan.inputs[nodeId] ?? {}).map(([port, upstream]) => [port, outputs[upstream]]));
    logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) started` });
    // A node that takes its worker down with it is then named in the log as the one that was running.
    await logs.flush();
    reporter(progress.at(index, 0));
    // A folder per run and per try: a run that lost the job, or a try abandoned at its timeout, never shares one.
    const nodeTemp = pathInside(runTempDir(deps, run), nodeId);
    const attemptTemp = (attempt: number) => pathInside(nodeTemp, String(attempt));
    try {
      const output: unknown = await runNodeWithPolicy(
        nodeType,
        (signal, attempt) => {
          record.usage = [];
          return buildNodeContext({
            findTemplate: async (templateId) => (await findVisibleTemplates(db, run.orgId, [templateId]))[0],
            storage: deps.storage,
            providers: deps.providers,
            logger: deps.logger,
            jobId,
            orgId: run.orgId,
            nodeId,
            stage: nodeType.stage,
            attempt: firstAttempt + attempt - 1,
            signal,
            tempDir: attemptTemp(attempt),
            assertHeld: () => assertRunHolds(db, run),
            variables: config.variables,
            templates: config.templates,
            record,
            writeLog: (entry) => logs.write(entry),
            onProgress: (fraction) => reporter(progress.at(index, fraction)),
            recordPreview: async (preview) => {
              await recordPreviewRender(db, run, { ...preview, storageDriver: deps.storage.driver }, { publicUrl: deps.publicUrl });
            },
          });
        },
        inputs,
        plan.params[nodeId],
        stopper.signal,
        nodeId,
        async (attempt) => {
          await mkdir(attemptTemp(attempt), { recursive: true });
        },
      ).catch((error: unknown) => {
        state.inFlight.node!.failed = true;
        throw error;
      });
      const durationMs = Date.now() - started;
      await recordNodeCheckpoint(db, run, {
        userId: job.created_by,
        nodeId,
        output,
        usage: record.usage,
        durationMs,
        prices: deps.prices,
        leaseMs: state.leaseMs,
      });
      outputs[nodeId] = output;
      logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) done`, data: { durationMs } });
      state.inFlight.node = undefined;
    } finally {
      await rm(nodeTemp, { recursive: true, force: true });
    }
  }

  const render = outputs[plan.outputs[0]!] as RenderResult;
  return completeJob(db, run, { ...render, storageDriver: deps.storage.driver }, { publicUrl: deps.publicUrl });
}

/** Where a run keeps its temp folders: `<tempRoot>/<job>.<run token>`, removed when the run ends. */
function runTempDir(deps: ExecutorDeps, run: JobRunKey): string {
  return pathInside(deps.tempRoot, `${run.jobId}.${run.token}`);
}

/** Throws JOB_LEASE_LOST when the run no longer holds its job: checked before a node stores a file another run may have stored. */
async function assertRunHolds(db: Kysely<DB>, run: JobRunKey): Promise<void> {
  if (!(await readJobRunState(db, run)).held) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
}
