import { Type, type Static, type StringOptions } from '@sinclair/typebox';
import type { Job, JobLog, JobNode } from '@fenta/db';

/**
 * What the Jobs resource answers with: the schemas (validation of the
 * responses, and the OpenAPI document) and the functions that turn rows into
 * them. Storage keys, run tokens and the frozen config stay inside.
 */

const timestamp = Type.String({ format: 'date-time' });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** One of `values`, as a JSON Schema enum: a wrong value is one problem naming the field, not one per value. */
export function stringEnum<const T extends readonly string[]>(values: T, options: StringOptions = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

export const jobStatuses = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const jobStatusSchema = stringEnum(jobStatuses, { description: 'queued → processing → completed, failed or cancelled.' });
const unfinished = new Set<string>(['queued', 'processing']);

const jobFields = {
  id: Type.String({ description: '`job_…`' }),
  status: jobStatusSchema,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  current_node: nullable(Type.String({ description: 'The graph node running now.' })),
  workflow_id: nullable(Type.String()),
  workflow_version: nullable(Type.Integer({ description: 'The workflow version the job runs (null: an inline graph, or a workflow without versions).' })),
  template_id: nullable(Type.String()),
  parent_job_id: nullable(Type.String({ description: 'For a retry: the job it retries.' })),
  idempotency_key: nullable(Type.String()),
  cancel_requested_at: nullable(timestamp),
  retry_count: Type.Integer({ description: 'Runs after the first that a crashed worker or a failure outside the nodes caused.' }),
  costs: Type.Object({
    tokens: Type.Integer(),
    render_seconds: Type.Number(),
    kai_credits: Type.Integer(),
    usd: Type.Number(),
  }),
  quota_reserved: Type.Object(
    { tokens: Type.Integer(), render_seconds: Type.Number(), kai_credits: Type.Integer() },
    { description: "What the job still holds of its org's quota: its estimate less what it used, while it is unfinished." },
  ),
  result: nullable(
    Type.Object(
      {
        render_id: Type.String(),
        video_url: Type.String(),
        thumbnail_url: Type.String(),
        srt_url: Type.String(),
        vtt_url: Type.String(),
        duration: Type.Number({ description: 'Seconds.' }),
        profile: Type.Optional(Type.String({ description: 'With more than one render: the output profile of this one, the main render.' })),
        renders: Type.Optional(
          Type.Array(
            Type.Object({
              render_id: Type.String(),
              profile: Type.String(),
              video_url: Type.String(),
              thumbnail_url: Type.String(),
              srt_url: Type.String(),
              vtt_url: Type.String(),
              duration: Type.Number(),
            }),
            {
              description:
                'With more than one render: every render of the job, the preview (when asked for), the main profile, the other profiles, in that order.',
            },
          ),
        ),
      },
      {
        description:
          "The main render's id and the API's stable download routes of its files (they take your key like any other route), and every render of the job.",
      },
    ),
  ),
  error: nullable(
    Type.Object({
      code: Type.String({ description: 'A code of docs/errors.md.' }),
      message: Type.String(),
      node: Type.Optional(Type.String({ description: 'The graph node that failed.' })),
      details: Type.Optional(Type.Unknown()),
    }),
  ),
  created_at: timestamp,
  queued_at: nullable(timestamp),
  started_at: nullable(timestamp),
  completed_at: nullable(timestamp),
  updated_at: timestamp,
  links: Type.Object({
    self: Type.String(),
    logs: Type.String(),
    cancel: Type.String(),
    retry: Type.String(),
    parent: Type.Optional(Type.String()),
  }),
};

export const jobSchema = Type.Object(jobFields, { $id: 'Job' });

export const jobNodeSchema = Type.Object({
  node_id: Type.String(),
  type: nullable(Type.String()),
  status: stringEnum(['pending', 'running', 'completed', 'failed', 'skipped'] as const, { description: 'pending: not started yet.' }),
  attempts: Type.Integer({ description: 'Tries in this job (a checkpoint a retry reused: 0).' }),
  started_at: nullable(timestamp),
  finished_at: nullable(timestamp),
  duration_ms: nullable(Type.Integer()),
  error_code: nullable(Type.String()),
  cost_usd: Type.Number(),
  reused_from_job_id: nullable(Type.String({ description: "For a retry: the job whose checkpoint this node's output is." })),
});

export const jobDetailSchema = Type.Object({ ...jobFields, nodes: Type.Array(jobNodeSchema) }, { $id: 'JobDetail' });

export const jobLogSchema = Type.Object(
  {
    id: Type.String(),
    level: stringEnum(['debug', 'info', 'warn', 'error'] as const),
    stage: nullable(Type.String({ description: 'ingest, script, tts, subtitle, edit or export.' })),
    message: Type.String(),
    data: nullable(Type.Unknown()),
    created_at: timestamp,
  },
  { $id: 'JobLog' },
);

export type JobView = Static<typeof jobSchema>;

export function jobView(row: Job, currentNode: string | null): JobView {
  const config = (row.config ?? {}) as { workflow?: { version?: unknown } };
  const version = config.workflow?.version;
  const open = unfinished.has(row.status);
  const held = (reserved: number, used: number) => (open ? Math.max(0, reserved - used) : 0);
  return {
    id: row.id,
    status: row.status as JobView['status'],
    progress: row.progress,
    current_node: row.status === 'processing' ? currentNode : null,
    workflow_id: row.workflow_id,
    workflow_version: Number.isInteger(version) ? (version as number) : null,
    template_id: row.template_id,
    parent_job_id: row.parent_job_id,
    idempotency_key: row.idempotency_key,
    cancel_requested_at: iso(row.cancel_requested_at),
    retry_count: row.retry_count,
    costs: {
      tokens: row.cost_tokens,
      render_seconds: Number(row.cost_render_seconds),
      kai_credits: row.cost_kai_credits,
      usd: Number(row.cost_total_usd),
    },
    quota_reserved: {
      tokens: held(row.reserved_tokens, row.cost_tokens),
      render_seconds: Math.round(held(Number(row.reserved_render_seconds), Number(row.cost_render_seconds)) * 100) / 100,
      kai_credits: held(row.reserved_kai_credits, row.cost_kai_credits),
    },
    result: resultView(row.result),
    error: errorView(row.error),
    created_at: row.created_at.toISOString(),
    queued_at: iso(row.queued_at),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    updated_at: row.updated_at.toISOString(),
    links: {
      self: `/v1/jobs/${row.id}`,
      logs: `/v1/jobs/${row.id}/logs`,
      cancel: `/v1/jobs/${row.id}/cancel`,
      retry: `/v1/jobs/${row.id}/retry`,
      ...(row.parent_job_id ? { parent: `/v1/jobs/${row.parent_job_id}` } : {}),
    },
  };
}

/**
 * Every node of the job's graph, in the graph's order, with its checkpoint's
 * state (pending when it has none yet), then any checkpoint of a node the
 * graph no longer names.
 */
export function jobNodesView(row: Job, checkpoints: JobNode[]): Static<typeof jobNodeSchema>[] {
  const graphNodes = graphNodesOf(row.config);
  const byId = new Map(checkpoints.map((node) => [node.node_id, node]));
  const listed = graphNodes.map(({ id, type }) => {
    const node = byId.get(id);
    return node ? nodeView(node) : pendingNode(id, type);
  });
  const named = new Set(graphNodes.map((node) => node.id));
  return [...listed, ...checkpoints.filter((node) => !named.has(node.node_id)).map(nodeView)];
}

/** What an audit entry records of a job: its state, not its frozen config. */
export function auditedJobState(job: Job) {
  return {
    status: job.status,
    workflow_id: job.workflow_id,
    template_id: job.template_id,
    parent_job_id: job.parent_job_id,
    idempotency_key: job.idempotency_key,
    cancel_requested_at: job.cancel_requested_at?.toISOString() ?? null,
    reserved: { tokens: job.reserved_tokens, render_seconds: Number(job.reserved_render_seconds), kai_credits: job.reserved_kai_credits },
  };
}

export function jobLogView(row: JobLog): Static<typeof jobLogSchema> {
  return {
    id: row.id,
    level: row.level as Static<typeof jobLogSchema>['level'],
    stage: row.stage,
    message: row.message,
    data: row.data ?? null,
    created_at: row.created_at.toISOString(),
  };
}

function nodeView(node: JobNode): Static<typeof jobNodeSchema> {
  const code = (node.error as { code?: unknown } | null)?.code;
  return {
    node_id: node.node_id,
    type: node.node_type,
    status: node.status as Static<typeof jobNodeSchema>['status'],
    attempts: node.attempt,
    started_at: iso(node.started_at),
    finished_at: iso(node.completed_at),
    duration_ms: node.duration_ms,
    error_code: typeof code === 'string' ? code : null,
    cost_usd: Number(node.cost_usd),
    reused_from_job_id: node.reused_from_job_id,
  };
}

function pendingNode(id: string, type: string | null): Static<typeof jobNodeSchema> {
  return {
    node_id: id,
    type,
    status: 'pending',
    attempts: 0,
    started_at: null,
    finished_at: null,
    duration_ms: null,
    error_code: null,
    cost_usd: 0,
    reused_from_job_id: null,
  };
}

/** The nodes a job's frozen graph lists (read leniently: a job made by other means may hold anything). */
function graphNodesOf(config: unknown): Array<{ id: string; type: string | null }> {
  const nodes = (config as { graph?: { nodes?: unknown } } | null)?.graph?.nodes;
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node: unknown) => {
    const { id, type } = (node ?? {}) as { id?: unknown; type?: unknown };
    return typeof id === 'string' ? [{ id, type: typeof type === 'string' ? type : null }] : [];
  });
}

function resultView(result: unknown): JobView['result'] {
  if (!result || typeof result !== 'object') return null;
  const { render_id, video_url, thumbnail_url, srt_url, vtt_url, duration, profile, renders } = result as Record<string, unknown>;
  return {
    render_id: typeof render_id === 'string' ? render_id : '',
    video_url: typeof video_url === 'string' ? video_url : '',
    thumbnail_url: typeof thumbnail_url === 'string' ? thumbnail_url : '',
    srt_url: typeof srt_url === 'string' ? srt_url : '',
    vtt_url: typeof vtt_url === 'string' ? vtt_url : '',
    duration: typeof duration === 'number' ? duration : 0,
    // Jobs completed before one job had several renders have neither.
    ...(typeof profile === 'string' ? { profile } : {}),
    ...(Array.isArray(renders) ? { renders: renders as NonNullable<NonNullable<JobView['result']>['renders']> } : {}),
  };
}

function errorView(error: unknown): JobView['error'] {
  if (!error || typeof error !== 'object') return null;
  const { code, message, node, details } = error as Record<string, unknown>;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: typeof message === 'string' ? message : '',
    ...(typeof node === 'string' ? { node } : {}),
    ...(details === undefined ? {} : { details }),
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
