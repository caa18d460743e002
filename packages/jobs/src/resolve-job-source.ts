import type { Transaction } from 'kysely';
import { FentaError } from '@fenta/core';
import { getOrgJob, type DB, type Job } from '@fenta/db';
import { parseJobConfig, type JobConfig, type TemplateRecord } from './job-config';

/** Where a new job's graph comes from. */
export interface JobSourceInput {
  orgId: string;
  workflowId?: string;
  workflowVersion?: number;
  graph?: unknown;
  retryOf?: string;
}

/** The graph to run and what comes with it, before validation. */
export interface JobSource {
  graph: unknown;
  variables: Record<string, unknown>;
  workflow: JobConfig['workflow'];
  /** A retry's parent, whose frozen templates and checkpoints the retry starts from. */
  parent?: { job: Job; config: JobConfig };
  /** Templates frozen by the parent, reused for the ids the graph still names. */
  frozenTemplates: Record<string, TemplateRecord>;
}

const retryableStatuses = new Set(['failed', 'cancelled']);

/**
 * Reads the graph a job runs, in the creating transaction (a tenant's under
 * row-level security, and always filtered by org, so another org's ids are
 * as unknown as missing ones): a retry's parent (its frozen graph, or a
 * replacement, with its variables), a saved workflow at its current graph or
 * at one version, or an inline graph.
 */
export async function resolveJobSource(trx: Transaction<DB>, input: JobSourceInput): Promise<JobSource> {
  if (input.retryOf !== undefined) {
    const parent = await getOrgJob(trx, input.orgId, input.retryOf);
    if (!parent) throw new FentaError('JOB_NOT_FOUND', { job: input.retryOf });
    if (!retryableStatuses.has(parent.status)) throw new FentaError('JOB_NOT_RETRYABLE', { job: parent.id, status: parent.status });
    const config = parseJobConfig(parent.config);
    return {
      graph: input.graph ?? config.graph,
      variables: config.variables,
      // A replaced graph is no longer the workflow's.
      workflow: input.graph === undefined ? config.workflow : undefined,
      parent: { job: parent, config },
      frozenTemplates: config.templates,
    };
  }
  if (input.workflowId === undefined) {
    if (input.graph === undefined) throw new FentaError('GRAPH_SHAPE_INVALID', { path: 'graph', reason: 'give a workflow id or a graph' });
    return { graph: input.graph, variables: {}, workflow: undefined, frozenTemplates: {} };
  }

  const workflow = await trx
    .selectFrom('workflows')
    .select(['id', 'graph', 'variables'])
    .where('id', '=', input.workflowId)
    .where('org_id', '=', input.orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!workflow) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: input.workflowId });
  if (input.workflowVersion !== undefined) {
    const version = await trx
      .selectFrom('workflow_versions')
      .select(['version', 'graph', 'variables'])
      .where('workflow_id', '=', workflow.id)
      .where('version', '=', input.workflowVersion)
      .executeTakeFirst();
    if (!version) throw new FentaError('WORKFLOW_VERSION_NOT_FOUND', { workflow: workflow.id, version: input.workflowVersion });
    return { graph: version.graph, variables: asVariables(version.variables), workflow: { id: workflow.id, version: version.version }, frozenTemplates: {} };
  }
  const latest = await trx
    .selectFrom('workflow_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('workflow_id', '=', workflow.id)
    .executeTakeFirst();
  return {
    graph: input.graph ?? workflow.graph,
    variables: asVariables(workflow.variables),
    workflow: { id: workflow.id, version: latest?.version ?? null },
    frozenTemplates: {},
  };
}

function asVariables(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
