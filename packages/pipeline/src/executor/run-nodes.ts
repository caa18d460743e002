import { mkdir, rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { FentaError, pathInside } from '@fenta/core';
import { findVisibleTemplates, listJobNodes, readJobRunState, startJobNode, type DB, type Job, type JobRunKey } from '@fenta/db';
import type { ExecutionPlan } from '@fenta/graph';
import { completeJob, recordPreviewRender, type JobConfig, type JobResult } from '@fenta/jobs';
import type { RenderResult } from '../artifacts/artifact-types';
import { buildNodeContext } from './build-node-context';
import type { JobLogWriter } from './job-log-writer';
import { JobProgress } from './job-progress';
import { progressReporter } from './progress-reporter';
import type { NodeType } from '../nodes/define-node-type';
import type { NodeConsumer, UsageInput } from '../nodes/node-context';
import { recordFailedAttemptsUsage, recordNodeCheckpoint, type AttemptUsage } from './record-node-checkpoint';
import { runNodeWithPolicy } from './run-node';
import type { ExecutorDeps } from './run-job';
import { runNodeSchedule } from './schedule-nodes';
import type { NodeInFlight } from './settle-run-failure';

/** Nodes of one job that run at once unless the worker says otherwise (FENTA_NODE_CONCURRENCY). */
export const defaultNodeConcurrency = 3;

/** The nodes a run has under way, and which of them stopped the run. */
export interface NodesInFlight {
  /** Started and neither checkpointed nor settled yet, by node id. */
  running: Map<string, NodeInFlight>;
  /** The node whose failure (or whose checkpoint's) stopped the run; the others in `running` were stopped beside it. */
  cause?: NodeInFlight;
}

export interface NodesRun {
  run: JobRunKey;
  job: Job;
  config: JobConfig;
  plan: ExecutionPlan;
  leaseMs: number;
  stopper: AbortController;
  logs: JobLogWriter;
  inFlight: NodesInFlight;
  onProgress?: (percent: number) => void;
}

/**
 * Runs the plan's nodes that have no checkpoint yet, each as soon as its
 * upstream nodes are done, up to `deps.nodeConcurrency` at once, then records
 * the job as completed. The first node to fail stops the others and its error
 * is the run's; each node's checkpoint is written on its own, so a run
 * stopped half-way resumes with every node that finished, on any branch.
 */
export async function runNodes(deps: ExecutorDeps, state: NodesRun): Promise<JobResult> {
  const { db } = deps;
  const { run, plan, stopper, logs } = state;
  const jobId = run.jobId;
  const checkpoints = new Map((await listJobNodes(db, run.orgId, jobId)).filter((row) => row.status === 'completed').map((row) => [row.node_id, row.output]));
  const typeOf = (nodeId: string) => deps.registry.get(plan.graph.nodes.find((node) => node.id === nodeId)!.type)!;
  const progress = new JobProgress(plan.order.map((nodeId) => typeOf(nodeId).stage));
  const reporter = progressReporter(db, run, state.onProgress);
  const outputs: Record<string, unknown> = {};

  for (const [index, nodeId] of plan.order.entries()) {
    if (!checkpoints.has(nodeId)) continue;
    const nodeType = typeOf(nodeId);
    outputs[nodeId] = checkpoints.get(nodeId);
    progress.at(index, 1);
    logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) resumed from its checkpoint` });
  }

  const upstream = new Map(
    plan.order.map((nodeId) => [
      nodeId,
      [...new Set([...Object.values(plan.inputs[nodeId] ?? {}), ...plan.graph.edges.filter((edge) => edge.to === nodeId).map((edge) => edge.from)])],
    ]),
  );
  const outcome = await runNodeSchedule(
    {
      order: plan.order,
      upstreamOf: (nodeId) => upstream.get(nodeId) ?? [],
      done: new Set(checkpoints.keys()),
      limit: deps.nodeConcurrency ?? defaultNodeConcurrency,
      signal: stopper.signal,
    },
    async (nodeId, signal) => {
      const index = plan.order.indexOf(nodeId);
      outputs[nodeId] = await runPlannedNode(deps, state, {
        nodeId,
        nodeType: typeOf(nodeId),
        signal,
        outputs,
        onProgress: (fraction) => reporter(progress.at(index, fraction)),
      });
      reporter(progress.at(index, 1));
    },
  );
  if (outcome.failed) {
    state.inFlight.cause = state.inFlight.running.get(outcome.failed.nodeId);
    throw outcome.failed.error;
  }
  if (outcome.notStarted.length > 0) throw stopper.signal.reason ?? new FentaError('INTERNAL', {});

  const render = outputs[plan.outputs[0]!] as RenderResult;
  return completeJob(db, run, { ...render, storageDriver: deps.storage.driver }, { publicUrl: deps.publicUrl });
}

interface PlannedNode {
  nodeId: string;
  nodeType: NodeType;
  signal: AbortSignal;
  outputs: Record<string, unknown>;
  onProgress: (fraction: number) => void;
}

/**
 * Runs one node (runNodeNow); a node that renders on every core first waits
 * for one of the worker's render slots, whichever job holds the others, and
 * starts (its job_nodes row, its log line) only once it has one.
 */
async function runPlannedNode(deps: ExecutorDeps, state: NodesRun, node: PlannedNode): Promise<unknown> {
  const { nodeType } = node;
  const slots = nodeType.rendersOnAllCores ? deps.renderSlots : undefined;
  if (!slots) return runNodeNow(deps, state, node);
  if (slots.busy) {
    state.logs.write({
      jobId: state.run.jobId,
      level: 'info',
      stage: nodeType.stage,
      message: `${node.nodeId} (${nodeType.type}) waits for a render slot: this worker renders ${slots.size} at a time`,
      data: { queued: slots.queued + 1 },
    });
  }
  const release = await slots.acquire(node.signal);
  try {
    return await runNodeNow(deps, state, node);
  } finally {
    release();
  }
}

/** Runs one node under its retry policy with its upstream outputs, and checkpoints what it returns. */
async function runNodeNow(deps: ExecutorDeps, state: NodesRun, node: PlannedNode): Promise<unknown> {
  const { db } = deps;
  const { run, job, config, plan, logs } = state;
  const { nodeId, nodeType, outputs } = node;
  const jobId = run.jobId;
  const started = Date.now();
  const firstAttempt = await startJobNode(db, run, { nodeId, nodeType: nodeType.type });
  if (firstAttempt === undefined) throw new FentaError('JOB_LEASE_LOST', { job: jobId });
  const inFlight: NodeInFlight = { id: nodeId, type: nodeType.type, started };
  state.inFlight.running.set(nodeId, inFlight);
  // Each try's usage, in order, the current try last: a try that failed or was stopped was still billed
  // for the paid calls that answered. A try abandoned at its timeout that records late writes into its own list.
  const tries: UsageInput[][] = [];
  const triesUsage = (count: number): AttemptUsage[] => tries.slice(0, count).flatMap((usage, i) => (usage.length > 0 ? [{ attempt: i + 1, usage }] : []));
  const inputs = Object.fromEntries(Object.entries(plan.inputs[nodeId] ?? {}).map(([port, upstream]) => [port, outputs[upstream]]));
  const { consumers, downstream } = readersOf(plan, nodeId);
  logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) started` });
  // A node that takes its worker down with it is then named in the log as one that was running.
  await logs.flush();
  node.onProgress(0);
  // A folder per run and per try: a run that lost the job, or a try abandoned at its timeout, never shares one.
  const nodeTemp = pathInside(runTempDir(deps, run), nodeId);
  const attemptTemp = (attempt: number) => pathInside(nodeTemp, String(attempt));
  try {
    const output: unknown = await runNodeWithPolicy(
      nodeType,
      (signal, attempt) => {
        const usage: UsageInput[] = [];
        tries.push(usage);
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
          record: { usage },
          consumers,
          downstream,
          writeLog: (entry) => logs.write(entry),
          onProgress: node.onProgress,
          recordPreview: async (preview) => {
            try {
              await recordPreviewRender(db, run, { ...preview, storageDriver: deps.storage.driver }, { publicUrl: deps.publicUrl });
            } catch (error) {
              // A run that lost its job must stop; any other failure costs only the early announcement:
              // the job's end records the preview from the node's output.
              if (error instanceof FentaError && error.code === 'JOB_LEASE_LOST') throw error;
              deps.logger.warn({ err: error, jobId: run.jobId }, 'the preview could not be recorded while the job ran');
              logs.write({
                jobId: run.jobId,
                level: 'warn',
                stage: nodeType.stage,
                message: 'the preview could not be recorded yet; it is recorded when the job ends',
              });
            }
          },
        });
      },
      inputs,
      plan.params[nodeId],
      node.signal,
      nodeId,
      async (attempt) => {
        await mkdir(attemptTemp(attempt), { recursive: true });
      },
    ).catch(async (error: unknown) => {
      inFlight.failed = true;
      const attempts = triesUsage(tries.length);
      await recordFailedAttemptsUsage(db, run, { userId: job.created_by, nodeId, attempts, prices: deps.prices, leaseMs: state.leaseMs }).catch(
        (writeError: unknown) => {
          // The node's own failure is what the job reports; a run that lost its lease cannot write for it.
          deps.logger.warn({ err: writeError, jobId, nodeId }, 'the usage of a failed node could not be recorded');
        },
      );
      throw error;
    });
    const durationMs = Date.now() - started;
    await recordNodeCheckpoint(db, run, {
      userId: job.created_by,
      nodeId,
      output,
      usage: tries.at(-1) ?? [],
      failedAttempts: triesUsage(tries.length - 1),
      durationMs,
      prices: deps.prices,
      leaseMs: state.leaseMs,
    });
    logs.write({ jobId, level: 'info', stage: nodeType.stage, message: `${nodeId} (${nodeType.type}) done`, data: { durationMs } });
    state.inFlight.running.delete(nodeId);
    return output;
  } finally {
    await rm(nodeTemp, { recursive: true, force: true });
  }
}

/** Where a run keeps its temp folders: `<tempRoot>/<job>.<run token>`, removed when the run ends. */
export function runTempDir(deps: ExecutorDeps, run: JobRunKey): string {
  return pathInside(deps.tempRoot, `${run.jobId}.${run.token}`);
}

/** Throws JOB_LEASE_LOST when the run no longer holds its job: checked before a node stores a file another run may have stored. */
async function assertRunHolds(db: Kysely<DB>, run: JobRunKey): Promise<void> {
  if (!(await readJobRunState(db, run)).held) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
}

/**
 * The nodes that read `nodeId`'s output: directly (its consumers), and
 * directly or through others (downstream), each in plan order with its params.
 */
function readersOf(plan: ExecutionPlan, nodeId: string): { consumers: NodeConsumer[]; downstream: NodeConsumer[] } {
  const readers = (id: string) => plan.order.filter((other) => Object.values(plan.inputs[other] ?? {}).includes(id));
  const direct = readers(nodeId);
  const reached = new Set(direct);
  // A Set visits what is added while it is iterated: this walks the whole graph below the node.
  for (const id of reached) for (const reader of readers(id)) reached.add(reader);
  const describe = (id: string): NodeConsumer => ({
    nodeId: id,
    type: plan.graph.nodes.find((graphNode) => graphNode.id === id)!.type,
    params: plan.params[id],
  });
  return { consumers: direct.map(describe), downstream: plan.order.filter((id) => reached.has(id)).map(describe) };
}
