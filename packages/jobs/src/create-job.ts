import { sql, type Kysely, type Transaction } from 'kysely';
import { FentaError, type Logger } from '@fenta/core';
import {
  findVisibleTemplates,
  getOrgJob,
  insertJobOnce,
  listJobNodes,
  reserveJobQuota,
  reuseJobCheckpoints,
  type DB,
  type Job,
  type QuotaAmounts,
} from '@fenta/db';
import { validateGraph, type ExecutionPlan, type NodeDefinitionRegistry } from '@fenta/graph';
import type { RenderQueue } from '@fenta/queue';
import { applyJobOverrides } from './apply-job-overrides';
import { enqueueJob } from './enqueue-job';
import { estimateNodeUsage, sumUsage } from './estimate-usage';
import type { JobConfig, TemplateRecord } from './job-config';
import { resolveJobSource, type JobSource } from './resolve-job-source';
import { reusableCheckpoints } from './reusable-checkpoints';

export interface CreateJobInput {
  orgId: string;
  createdBy?: string | null;
  /** Run a saved workflow (its graph and variables), or… */
  workflowId?: string;
  /** …one version of it (workflow_versions); its current graph by default, or… */
  workflowVersion?: number;
  /** …an inline graph. With `retryOf`: a graph to run instead of the parent's. */
  graph?: unknown;
  /** Every node that takes a `template_id` param (Edit.Timeline) uses this template instead. */
  templateId?: string;
  /** The output node renders with this profile (`9x16_720p`, …) instead. */
  outputProfile?: string;
  /** The output node also renders these profiles, each its own render (Output.Render's `profiles`). */
  outputProfiles?: string[];
  /** The output node renders a fast preview first and reports it (render.preview_ready). */
  preview?: boolean;
  /** Overlaid on the workflow's variables. */
  variables?: Record<string, unknown>;
  idempotencyKey?: string;
  scheduleId?: string;
  scheduledFor?: Date;
  /**
   * A retry of this failed or cancelled job of the org: the new job runs what
   * it ran (or `graph`) with its variables and templates, names it as its
   * parent, and starts from copies of its completed checkpoints where the
   * node, its params and everything upstream are unchanged.
   */
  retryOf?: string;
}

export interface CreateJobDeps {
  db: Kysely<DB>;
  queue: RenderQueue;
  /** Node definitions to validate the graph against; no implementations are needed to create a job. */
  registry: NodeDefinitionRegistry;
  logger: Logger;
  /** How long adding the job to the queue may take before it is left to the reconciler (1 s by default). */
  enqueueTimeoutMs?: number;
}

/** A job as creation left it. */
export interface CreatedJob {
  job: Job;
  /** False when the idempotency key (or schedule tick) already had a job: this is that job, and nothing was written. */
  created: boolean;
  /** Nodes the job starts from copies of its parent's checkpoints (a retry). */
  reusedNodes: string[];
  /** What the job reserved against the org's quota. */
  reserved: QuotaAmounts;
}

/**
 * Runs job creation's writes in one transaction. By default a transaction of
 * the system's own; the API opens it as the tenant (row-level security) and
 * adds its audit entry and stored response before it commits.
 */
export type JobTransaction = (work: (trx: Transaction<DB>) => Promise<CreatedJob>) => Promise<CreatedJob>;

/**
 * The one way a job is created (API, scheduler, `./fenta up`'s demo, the
 * CLI): in one transaction, validate the graph, insert the `jobs` row with
 * a frozen config, reserve its estimated usage against the quota (refused:
 * QUOTA_EXCEEDED, and nothing is written), and for a retry copy the
 * checkpoints it starts from; then add it to the queue under the same id.
 * The same idempotency key returns the same job. If the queue cannot be
 * reached in time the row stays `queued` and the worker's reconciler adds it
 * later: a created job is never lost, and creation never waits on Redis.
 */
export async function createJob(deps: CreateJobDeps, input: CreateJobInput, options: { transaction?: JobTransaction } = {}): Promise<CreatedJob> {
  const transaction: JobTransaction = options.transaction ?? ((work) => deps.db.transaction().execute(work));
  const result = await transaction((trx) => writeJob(trx, deps.registry, input));
  if (result.job.status === 'queued') await enqueueJob(deps, result.job.id);
  return result;
}

const nothing: QuotaAmounts = { tokens: 0, kaiCredits: 0, renderSeconds: 0 };

/**
 * createJob's writes in the caller's transaction, for a caller whose own
 * writes must commit with the job's (the scheduler advancing its schedule).
 * It must add the job to the queue after the commit (enqueueJob): a job
 * queued before its row is visible could be picked up and not found.
 */
export function createJobInTransaction(trx: Transaction<DB>, registry: NodeDefinitionRegistry, input: CreateJobInput): Promise<CreatedJob> {
  return writeJob(trx, registry, input);
}

async function writeJob(trx: Transaction<DB>, registry: NodeDefinitionRegistry, input: CreateJobInput): Promise<CreatedJob> {
  const source = await resolveJobSource(trx, input);
  const plan = applyJobOverrides(validateGraph(source.graph, registry), registry, input);
  const templates = await loadTemplates(trx, input.orgId, templateIdsOf(plan.params), source.frozenTemplates);
  const templateId = Object.keys(templates)[0] ?? null;
  const config: JobConfig = {
    graph: plan.graph,
    variables: variablesOf(source, templateId ? templates[templateId] : undefined, input),
    templates,
    workflow: source.workflow,
  };

  const reusedNodes = source.parent ? await reusableFromParent(trx, registry, source.parent, { plan, config }) : [];
  const estimates = estimateNodeUsage(plan, registry);
  const reserve = sumUsage(
    estimates,
    plan.order.filter((nodeId) => !reusedNodes.includes(nodeId)),
  );

  const { job, created } = await insertJobOnce(trx, {
    orgId: input.orgId,
    workflowId: source.workflow?.id ?? null,
    templateId,
    createdBy: input.createdBy ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    scheduleId: input.scheduleId ?? null,
    scheduledFor: input.scheduledFor ?? null,
    config,
  });
  if (!created) return { job, created, reusedNodes: [], reserved: nothing };

  const exhausted = await reserveJobQuota(trx, job.id, reserve);
  if (exhausted) {
    throw new FentaError(
      'QUOTA_EXCEEDED',
      { org: input.orgId, resource: exhausted.join(', ') },
      { details: { resources: exhausted, requested: { tokens: reserve.tokens, kai_credits: reserve.kaiCredits, render_seconds: reserve.renderSeconds } } },
    );
  }
  if (source.parent) await reuseJobCheckpoints(trx, { jobId: job.id, parentJobId: source.parent.job.id, nodeIds: reusedNodes });
  if (source.workflow) {
    await trx
      .updateTable('workflows')
      .set({ run_count: sql`run_count + 1`, last_run_at: sql`now()` })
      .where('id', '=', source.workflow.id)
      .where('org_id', '=', input.orgId)
      .execute();
  }
  // Read again: the reservation and the parent were written by the system functions.
  const written = await getOrgJob(trx, input.orgId, job.id);
  return { job: written ?? job, created, reusedNodes, reserved: reserve };
}

/**
 * The variables a job runs with. A new job: its template's defaults, then
 * the workflow's, then the request's. A retry: its parent's as they were,
 * with the template's defaults again if it runs another template.
 */
function variablesOf(source: JobSource, template: TemplateRecord | undefined, input: CreateJobInput): Record<string, unknown> {
  if (source.parent) {
    const sameTemplate = (source.parent.job.template_id ?? null) === (template?.id ?? null);
    return sameTemplate ? source.variables : { ...source.variables, ...templateDefaults(template) };
  }
  return { ...templateDefaults(template), ...source.variables, ...input.variables };
}

/** The parent's completed nodes this retry may start from, judged on the parent's frozen graph validated as the child's is. */
async function reusableFromParent(
  trx: Transaction<DB>,
  registry: NodeDefinitionRegistry,
  parent: NonNullable<JobSource['parent']>,
  child: { plan: ExecutionPlan; config: JobConfig },
): Promise<string[]> {
  let parentPlan: ExecutionPlan;
  try {
    parentPlan = validateGraph(parent.config.graph, registry);
  } catch {
    // The parent's graph no longer validates (a node type changed): nothing of it can be trusted to match.
    return [];
  }
  const completed = new Set(
    (await listJobNodes(trx, parent.job.org_id, parent.job.id)).filter((node) => node.status === 'completed').map((node) => node.node_id),
  );
  return reusableCheckpoints({ plan: parentPlan, config: parent.config }, completed, child);
}

/**
 * Variables every node can rely on, taken from the job's template: its id
 * (nodes without a template_id param follow it) and its frame.
 */
function templateDefaults(template: TemplateRecord | undefined): Record<string, unknown> {
  if (!template) return {};
  const match = /^(\d+)x(\d+)$/.exec(template.resolution);
  return { template_id: template.id, ...(match ? { frame: { width: Number(match[1]), height: Number(match[2]) } } : {}) };
}

function templateIdsOf(params: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  for (const value of Object.values(params)) {
    const id = (value as { template_id?: unknown } | undefined)?.template_id;
    if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

/** The templates the graph names, as frozen by a retry's parent where it had them, else as the org sees them now. */
async function loadTemplates(
  trx: Transaction<DB>,
  orgId: string,
  ids: string[],
  frozen: Record<string, TemplateRecord>,
): Promise<Record<string, TemplateRecord>> {
  const toLoad = ids.filter((id) => !frozen[id]);
  const rows = await findVisibleTemplates(trx, orgId, toLoad);
  const missing = toLoad.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw new FentaError('TEMPLATE_NOT_FOUND', { template: missing[0]! });
  const loaded = Object.fromEntries(rows.map((row) => [row.id, row]));
  return Object.fromEntries(ids.map((id) => [id, frozen[id] ?? loaded[id]!]));
}
