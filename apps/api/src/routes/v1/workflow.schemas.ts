import { Type, type Static } from '@sinclair/typebox';
import type { WorkflowRecord, WorkflowVersion } from '@fenta/db';
import { stringEnum } from '../../http/string-enum';
import { workflowStatuses, type WorkflowStatus } from '../../workflows/workflow-status';

// The graph's structure as seed 000 writes it. Fields are closed, so one a
// client adds is refused by name rather than dropped; what the fields hold
// (ids, types, params, ports, wiring, size) is validateGraph's to check, so
// the API and job creation answer the same problems with the same codes.
const graphNode = Type.Object(
  {
    id: Type.String({ description: 'Unique in the graph: 1 to 64 letters, digits, `_` or `-`.' }),
    type: Type.String({ description: 'A node type of GET /v1/node-types, e.g. `Voice.TTS`.' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The node type's params." })),
    position: Type.Optional(
      Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false, description: 'Where an editor draws the node.' }),
    ),
  },
  { additionalProperties: false },
);

const graphEdge = Type.Object(
  {
    id: Type.Optional(Type.String()),
    from: Type.String({ description: 'The id of the node whose output the edge carries.' }),
    to: Type.String({ description: 'The id of the node it goes into.' }),
    fromPort: Type.Optional(Type.String({ description: 'Always `output` (every node has one output).' })),
    toPort: Type.Optional(Type.String({ description: "The input it feeds; without it, the target's first free input of the output's kind." })),
  },
  { additionalProperties: false },
);

export const workflowGraphSchema = Type.Object(
  { nodes: Type.Array(graphNode), edges: Type.Optional(Type.Array(graphEdge)) },
  { additionalProperties: false, description: 'A workflow graph: nodes and the edges between them (see docs for the node types).' },
);

export type WorkflowGraphBody = Static<typeof workflowGraphSchema>;

export const workflowVariablesSchema = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 100,
  description: "Workflow-level variables: the defaults of each job's variables.",
});

export const workflowStatusSchema = stringEnum(workflowStatuses, {
  description: 'draft → confirmed → preview → production → archived (see the README for the moves allowed back).',
});

export const workflowIdParam = Type.String({ pattern: '^wf_[A-Za-z0-9_-]{1,100}$', description: 'A workflow id, `wf_…`.' });

const timestamp = Type.String({ format: 'date-time' });

export const workflowSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    status: workflowStatusSchema,
    project_id: Type.Union([Type.String(), Type.Null()]),
    graph: workflowGraphSchema,
    variables: workflowVariablesSchema,
    version: Type.Integer({ description: 'The latest version: 1 when made, one more for each change of the graph or the variables.' }),
    etag: Type.String({ description: 'The ETag header of this state, for If-Match.' }),
    run_count: Type.Integer(),
    last_run_at: Type.Union([timestamp, Type.Null()]),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Workflow' },
);

export const workflowVersionSchema = Type.Object(
  {
    id: Type.String(),
    workflow_id: Type.String(),
    version: Type.Integer(),
    graph: workflowGraphSchema,
    variables: workflowVariablesSchema,
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: timestamp,
  },
  { $id: 'WorkflowVersion' },
);

/** The API's view of a workflow. */
export function workflowView(row: WorkflowRecord, etag: string) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status as WorkflowStatus,
    project_id: row.project_id,
    graph: row.graph as WorkflowGraphBody,
    variables: (row.variables ?? {}) as Record<string, unknown>,
    version: row.version ?? 0,
    etag,
    run_count: row.run_count,
    last_run_at: row.last_run_at?.toISOString() ?? null,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The API's view of one version of a workflow. */
export function workflowVersionView(row: WorkflowVersion) {
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    version: row.version,
    graph: row.graph as WorkflowGraphBody,
    variables: (row.variables ?? {}) as Record<string, unknown>,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
  };
}
