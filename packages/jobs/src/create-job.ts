import { sql, type Kysely } from 'kysely';
import { FentaError, type Logger } from '@fenta/core';
import { findVisibleTemplates, insertJobOnce, type DB, type Job } from '@fenta/db';
import { validateGraph, type NodeDefinitionRegistry } from '@fenta/graph';
import { enqueueRender, type RenderQueue } from '@fenta/queue';
import type { JobConfig, TemplateRecord } from './job-config';

export interface CreateJobInput {
  orgId: string;
  createdBy?: string | null;
  /** Run a saved workflow (its graph and variables), or… */
  workflowId?: string;
  /** …an inline graph. */
  graph?: unknown;
  /** Overlaid on the workflow's variables. */
  variables?: Record<string, unknown>;
  idempotencyKey?: string;
  scheduleId?: string;
  scheduledFor?: Date;
}

export interface CreateJobDeps {
  db: Kysely<DB>;
  queue: RenderQueue;
  /** Node definitions to validate the graph against; no implementations are needed to create a job. */
  registry: NodeDefinitionRegistry;
  logger: Logger;
}

/**
 * The one way a job is created (API, scheduler, `./fenta up`'s demo, the
 * CLI): validate the graph, check quota, insert the `jobs` row with a frozen
 * config, then add it to the queue under the same id. The same idempotency
 * key returns the same job. If the queue cannot be reached the row stays
 * `queued` and the worker's reconciler adds it later: a created job is never lost.
 */
export async function createJob(deps: CreateJobDeps, input: CreateJobInput): Promise<{ job: Job; created: boolean }> {
  const { db } = deps;
  let graph = input.graph;
  let variables: Record<string, unknown> = {};
  let workflow: JobConfig['workflow'];
  if (input.workflowId) {
    const row = await db
      .selectFrom('workflows')
      .select(['id', 'graph', 'variables'])
      .where('id', '=', input.workflowId)
      .where('org_id', '=', input.orgId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: input.workflowId });
    const version = await db
      .selectFrom('workflow_versions')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('workflow_id', '=', row.id)
      .executeTakeFirst();
    graph = input.graph ?? row.graph;
    variables = (row.variables ?? {}) as Record<string, unknown>;
    workflow = { id: row.id, version: version?.version ?? null };
  }
  if (graph === undefined) throw new FentaError('GRAPH_SHAPE_INVALID', { path: 'graph', reason: 'give a workflow id or a graph' });
  const plan = validateGraph(graph, deps.registry);
  const templates = await loadTemplates(db, input.orgId, templateIdsOf(plan.params));

  const { rows } = await sql<{ allowed: boolean }>`SELECT check_quota(${input.orgId}, 0, 0, 0) AS allowed`.execute(db);
  if (rows[0]?.allowed === false) throw new FentaError('QUOTA_EXCEEDED', { org: input.orgId });

  const templateId = Object.keys(templates)[0] ?? null;
  const config: JobConfig = {
    graph: plan.graph,
    variables: { ...templateDefaults(templateId ? templates[templateId] : undefined), ...variables, ...input.variables },
    templates,
    workflow,
  };
  const { job, created } = await insertJobOnce(db, {
    orgId: input.orgId,
    workflowId: workflow?.id ?? null,
    templateId,
    createdBy: input.createdBy ?? null,
    idempotencyKey: input.idempotencyKey ?? null,
    scheduleId: input.scheduleId ?? null,
    scheduledFor: input.scheduledFor ?? null,
    config,
  });
  if (created && workflow) {
    await db
      .updateTable('workflows')
      .set({ run_count: sql`run_count + 1`, last_run_at: sql`now()` })
      .where('id', '=', workflow.id)
      .where('org_id', '=', input.orgId)
      .execute();
  }
  if (job.status === 'queued') {
    try {
      await enqueueRender(deps.queue, job.id);
    } catch (error) {
      deps.logger.warn({ err: error, jobId: job.id }, 'could not add the job to the queue now; the reconciler will');
    }
  }
  return { job, created };
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

async function loadTemplates(db: Kysely<DB>, orgId: string, ids: string[]): Promise<Record<string, TemplateRecord>> {
  const rows = await findVisibleTemplates(db, orgId, ids);
  const missing = ids.filter((id) => !rows.some((row) => row.id === id));
  if (missing.length > 0) throw new FentaError('TEMPLATE_NOT_FOUND', { template: missing[0]! });
  return Object.fromEntries(rows.map((row) => [row.id, row]));
}
