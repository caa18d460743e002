import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { FentaError, isFentaError, type Logger } from '@fenta/core';
import {
  failJobNode,
  findVisibleTemplates,
  getJob,
  isJobCancelRequested,
  listJobNodes,
  markJobCancelled,
  markJobFailed,
  markJobProcessing,
  markJobQueued,
  startJobNode,
  updateJobProgress,
  type DB,
} from '@fenta/db';
import type { Storage } from '@fenta/storage';
import type { RenderResult } from '../artifacts/artifact-types';
import { validateGraph } from '../graph/validate-graph';
import type { NodeRegistry } from '../nodes/node-registry';
import type { PipelineProviders } from '../providers/pipeline-providers';
import type { PriceTable } from '../usage/price-table';
import { JobStop } from './abort-reasons';
import { buildNodeContext } from './build-node-context';
import { completeJob, enqueueWebhookDeliveries, type JobResult } from './complete-job';
import { parseJobConfig } from './job-config';
import { JobLogWriter } from './job-log-writer';
import { JobProgress } from './job-progress';
import { recordNodeCheckpoint } from './record-node-checkpoint';
import { runNodeWithPolicy } from './run-node';

/** What the executor needs; built once per worker process. */
export interface ExecutorDeps {
  db: Kysely<DB>;
  storage: Storage;
  registry: NodeRegistry;
  providers: PipelineProviders;
  logger: Logger;
  prices: PriceTable;
  /** Where node temp folders go. */
  tempRoot: string;
  /** How often a running job checks whether it was cancelled. */
  cancelPollMs?: number;
}

export interface RunJobOptions {
  jobId: string;
  /** Aborted when the worker shuts down: the job is handed back to the queue. */
  signal?: AbortSignal;
  /** Whether a transient failure now is final (no queue retry left). */
  finalAttempt: boolean;
  /** 0–100, for the queue's own progress. */
  onProgress?: (percent: number) => void;
}

export type JobRunOutcome =
  | { status: 'completed'; result: JobResult }
  | { status: 'cancelled' }
  | { status: 'handed-back' }
  | { status: 'failed'; error: FentaError; retryable: boolean }
  | { status: 'not-runnable'; jobStatus: string };

/**
 * Runs a job's graph node by node. Nodes with a checkpoint are not run again
 * (their output is reused), so a retried or restarted job resumes where it
 * stopped. The job row always leaves `processing`: completed, failed,
 * cancelled, or handed back to `queued`.
 */
export async function runJob(deps: ExecutorDeps, options: RunJobOptions): Promise<JobRunOutcome> {
  const { db } = deps;
  const { jobId } = options;
  const job = await getJob(db, jobId);
  if (!job) throw new FentaError('JOB_NOT_FOUND', { job: jobId });
  if (job.status !== 'queued' && job.status !== 'processing') return { status: 'not-runnable', jobStatus: job.status };
  if (job.cancel_requested_at) {
    await markJobCancelled(db, jobId);
    return { status: 'cancelled' };
  }
  if (!(await markJobProcessing(db, jobId))) return { status: 'not-runnable', jobStatus: 'ended' };

  const logs = new JobLogWriter(db, deps.logger);
  const stopper = new AbortController();
  const onShutdown = () => stopper.abort(new JobStop('shutdown'));
  if (options.signal?.aborted) onShutdown();
  options.signal?.addEventListener('abort', onShutdown, { once: true });
  const cancelPoll = setInterval(() => {
    isJobCancelRequested(db, jobId)
      .then((cancelled) => {
        if (cancelled) stopper.abort(new JobStop('cancelled'));
      })
      .catch(() => undefined);
  }, deps.cancelPollMs ?? 1_000);
  let currentNode: { id: string; started: number } | undefined;

  try {
    const config = parseJobConfig(job.config);
    const plan = validateGraph(config.graph, deps.registry);
    const checkpoints = new Map((await listJobNodes(db, jobId)).filter((row) => row.status === 'completed').map((row) => [row.node_id, row.output]));
    const typeOf = (nodeId: string) => deps.registry.get(plan.graph.nodes.find((node) => node.id === nodeId)!.type)!;
    const progress = new JobProgress(plan.order.map((nodeId) => typeOf(nodeId).stage));
    const reporter = progressReporter(db, jobId, options.onProgress);
    const outputs: Record<string, unknown> = {};

    for (const [index, nodeId] of plan.order.entries()) {
      const nodeType = typeOf(nodeId);
      if (checkpoints.has(nodeId)) {
        outputs[nodeId] = checkpoints.get(nodeId);
        logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) resumed from its checkpoint` });
        continue;
      }
      if (stopper.signal.aborted) throw stopper.signal.reason;
      currentNode = { id: nodeId, started: Date.now() };
      const firstAttempt = await startJobNode(db, { jobId, orgId: job.org_id, nodeId, nodeType: nodeType.type });
      const record = { usage: [] as Parameters<typeof recordNodeCheckpoint>[1]['usage'] };
      const inputs = Object.fromEntries(Object.entries(plan.inputs[nodeId] ?? {}).map(([port, upstream]) => [port, outputs[upstream]]));
      logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) started` });
      reporter(progress.at(index, 0));
      const nodeTemp = path.join(deps.tempRoot, jobId, nodeId);
      try {
        const output = await runNodeWithPolicy(
          nodeType,
          (signal, attempt) => {
            record.usage = [];
            return buildNodeContext({
              findTemplate: async (templateId) => (await findVisibleTemplates(db, job.org_id, [templateId]))[0],
              storage: deps.storage,
              providers: deps.providers,
              logger: deps.logger,
              jobId,
              orgId: job.org_id,
              nodeId,
              stage: nodeType.stage,
              attempt: firstAttempt + attempt - 1,
              signal,
              tempDir: nodeTemp,
              variables: config.variables,
              templates: config.templates,
              record,
              writeLog: (entry) => logs.write(entry),
              onProgress: (fraction) => reporter(progress.at(index, fraction)),
            });
          },
          inputs,
          plan.params[nodeId],
          stopper.signal,
          nodeId,
          async () => {
            await rm(nodeTemp, { recursive: true, force: true });
            await mkdir(nodeTemp, { recursive: true });
          },
        );
        const durationMs = Date.now() - currentNode.started;
        await recordNodeCheckpoint(db, { jobId, orgId: job.org_id, userId: job.created_by, nodeId, output, usage: record.usage, durationMs, prices: deps.prices });
        outputs[nodeId] = output;
        logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) done`, data: { durationMs } });
        currentNode = undefined;
      } finally {
        await rm(nodeTemp, { recursive: true, force: true });
      }
    }

    const render = outputs[plan.outputs[0]!] as RenderResult;
    const result = await completeJob(db, deps.storage, { jobId, orgId: job.org_id, render });
    options.onProgress?.(100);
    logs.write({ jobId, level: 'info', stage: 'export', message: 'job completed', data: { duration: result.duration } });
    return { status: 'completed', result };
  } catch (thrown) {
    return await settleFailure(deps, options, job.org_id, thrown, currentNode, logs);
  } finally {
    clearInterval(cancelPoll);
    options.signal?.removeEventListener('abort', onShutdown);
    await logs.flush();
    await rm(path.join(deps.tempRoot, jobId), { recursive: true, force: true });
  }
}

async function settleFailure(
  deps: ExecutorDeps,
  options: RunJobOptions,
  orgId: string,
  thrown: unknown,
  currentNode: { id: string; started: number } | undefined,
  logs: JobLogWriter,
): Promise<JobRunOutcome> {
  const { db } = deps;
  const jobId = options.jobId;
  const durationMs = currentNode ? Date.now() - currentNode.started : 0;
  if (thrown instanceof JobStop) {
    if (currentNode) await failJobNode(db, { jobId, nodeId: currentNode.id, error: { code: thrown.reason }, durationMs });
    if (thrown.reason === 'cancelled') {
      await markJobCancelled(db, jobId);
      logs.write({ jobId, level: 'warn', stage: null, message: 'job cancelled' });
      return { status: 'cancelled' };
    }
    await markJobQueued(db, jobId);
    logs.write({ jobId, level: 'warn', stage: null, message: 'worker shutting down: job handed back to the queue' });
    return { status: 'handed-back' };
  }
  const error = isFentaError(thrown) ? thrown : new FentaError('NODE_FAILED', { node: currentNode?.id ?? '(job)', type: '', reason: thrown instanceof Error ? thrown.message : String(thrown) }, { cause: thrown });
  const body = { code: error.code, message: error.message, node: currentNode?.id, details: error.details };
  if (currentNode) await failJobNode(db, { jobId, nodeId: currentNode.id, error: body, durationMs });
  const retryable = error.status >= 500 && !options.finalAttempt;
  logs.write({ jobId, level: 'error', stage: null, message: error.message, data: { code: error.code, node: currentNode?.id, retryable } });
  if (retryable) {
    await markJobQueued(db, jobId, body);
  } else {
    await db.transaction().execute(async (trx) => {
      await markJobFailed(trx, jobId, body);
      await enqueueWebhookDeliveries(trx, orgId, 'render.failed', { event: 'render.failed', job_id: jobId, org_id: orgId, error: body });
    });
  }
  return { status: 'failed', error, retryable };
}

/** Reports progress to the caller at every change, and to `jobs.progress` at most twice a second. */
function progressReporter(db: Kysely<DB>, jobId: string, onProgress?: (percent: number) => void): (percent: number) => void {
  let last = -1;
  let lastWrite = 0;
  return (percent) => {
    if (percent === last) return;
    last = percent;
    onProgress?.(percent);
    const now = Date.now();
    if (now - lastWrite < 500) return;
    lastWrite = now;
    updateJobProgress(db, jobId, percent).catch(() => undefined);
  };
}
