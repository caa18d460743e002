import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import {
  findWorkflow,
  insertNextWorkflowVersion,
  insertWorkflow,
  listWorkflows,
  lockWorkflow,
  softDeleteWorkflow,
  updateWorkflow,
  type WorkflowChanges,
  type WorkflowRecord,
} from '@fenta/db';
import type { ApiContext } from '../../api-context';
import { contentDescription, contentName, projectIdField } from './content-fields.schemas';
import { errorResponses } from '../../http/error-responses';
import { checkIfMatch, etagOf, ifMatchHeaders } from '../../http/etag';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';
import { requireProject } from '../../tenancy/require-project';
import { checkWorkflowGraph, storedGraph } from '../../workflows/check-workflow-graph';
import { graphProblemCodes } from '../../workflows/graph-problem-codes';
import { checkStatusMove } from '../../workflows/workflow-status';
import { workflowGraphSchema, workflowIdParam, workflowSchema, workflowStatusSchema, workflowVariablesSchema, workflowView } from './workflow.schemas';

const idParams = Type.Object({ id: workflowIdParam });
const workflowBody = Type.Object({ workflow: workflowSchema });

/**
 * The org's workflows: create, list, read, change (a change of the graph or
 * the variables adds a version), soft-delete, and validate a graph without
 * saving it. Every graph written is validated against the node registry.
 * Writes take the workflow's row lock, honour If-Match and are audited.
 */
export async function registerWorkflowRoutes(parent: FastifyInstance, { db }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/workflows',
    {
      config: { scope: 'workflows:write' },
      schema: {
        tags: ['workflows'],
        summary: 'Create a workflow (status draft, version 1) from a graph the node registry accepts',
        body: Type.Object(
          {
            name: contentName,
            description: Type.Optional(contentDescription),
            graph: workflowGraphSchema,
            variables: Type.Optional(workflowVariablesSchema),
            project_id: Type.Optional(Type.Union([projectIdField, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: workflowBody, ...errorResponses('PROJECT_NOT_FOUND', 'ROLE_FORBIDDEN', ...graphProblemCodes) },
      },
    },
    async (request, reply) => {
      const graph = storedGraph(checkWorkflowGraph(request.body.graph));
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        await requireProject(trx, caller.orgId, request.body.project_id);
        const created = await insertWorkflow(trx, {
          orgId: caller.orgId,
          projectId: request.body.project_id ?? null,
          name: request.body.name,
          description: request.body.description ?? null,
          graph,
          variables: request.body.variables ?? {},
          createdBy: caller.userId,
        });
        await audit({ action: 'create', resourceType: 'workflow', resourceId: created.id, changes: { after: viewOf(created) } });
        return created;
      });
      return reply
        .status(201)
        .header('etag', etagOf(row.revision))
        .send({ workflow: viewOf(row) });
    },
  );

  app.get(
    '/workflows',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: "List the org's workflows, newest first",
        querystring: Type.Object({ ...pageQuery, status: Type.Optional(workflowStatusSchema) }),
        response: { 200: pageSchema(workflowSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const before = decodeCursor('workflows', request.query.cursor, 'wf');
      const rows = await asTenant(db, request, ({ trx, caller }) =>
        listWorkflows(trx, caller.orgId, { status: request.query.status, before, limit: request.query.limit }),
      );
      return toPage('workflows', rows, request.query.limit, viewOf);
    },
  );

  app.get(
    '/workflows/:id',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: 'Read a workflow (its ETag header is for If-Match)',
        params: idParams,
        response: { 200: workflowBody, ...errorResponses('WORKFLOW_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const row = await asTenant(db, request, ({ trx, caller }) => findWorkflow(trx, caller.orgId, request.params.id));
      if (!row) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: request.params.id });
      return reply.header('etag', etagOf(row.revision)).send({ workflow: viewOf(row) });
    },
  );

  app.patch(
    '/workflows/:id',
    {
      config: { scope: 'workflows:write' },
      schema: {
        tags: ['workflows'],
        summary: 'Change a workflow; a new graph or new variables add a version',
        params: idParams,
        headers: ifMatchHeaders,
        body: Type.Object(
          {
            name: Type.Optional(contentName),
            description: Type.Optional(contentDescription),
            graph: Type.Optional(workflowGraphSchema),
            variables: Type.Optional(workflowVariablesSchema),
            status: Type.Optional(workflowStatusSchema),
            project_id: Type.Optional(Type.Union([projectIdField, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: {
          200: workflowBody,
          ...errorResponses(
            'WORKFLOW_NOT_FOUND',
            'WORKFLOW_STATUS_TRANSITION_INVALID',
            'WORKFLOW_ARCHIVED',
            'REQUEST_PRECONDITION_FAILED',
            'PROJECT_NOT_FOUND',
            'ROLE_FORBIDDEN',
            ...graphProblemCodes,
          ),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      // Checked before the transaction: a bad graph never waits for the row lock.
      const graph = body.graph === undefined ? undefined : storedGraph(checkWorkflowGraph(body.graph));
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await lockWorkflow(trx, caller.orgId, id);
        if (!before) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: id });
        checkIfMatch(request.headers['if-match'], etagOf(before.revision), { kind: 'Workflow', id });

        const changes: WorkflowChanges = {};
        if (body.name !== undefined && body.name !== before.name) changes.name = body.name;
        if (body.description !== undefined && body.description !== before.description) changes.description = body.description;
        if (body.project_id !== undefined && body.project_id !== before.project_id) changes.projectId = body.project_id;
        if (graph !== undefined && !isDeepStrictEqual(graph, before.graph)) changes.graph = graph;
        if (body.variables !== undefined && !isDeepStrictEqual(body.variables, before.variables)) changes.variables = body.variables;
        const edited = Object.keys(changes);
        if (body.status !== undefined && body.status !== before.status) {
          checkStatusMove(id, before.status, body.status);
          changes.status = body.status;
        }
        // Archived is read-only; a request that also restores the workflow (status draft) may change it at once.
        if (before.status === 'archived' && (changes.status ?? 'archived') === 'archived' && edited.length > 0) {
          throw new FentaError('WORKFLOW_ARCHIVED', { workflow: id, field: fieldName(edited[0]!) }, { details: { fields: edited.map(fieldName) } });
        }
        if (Object.keys(changes).length === 0) return before;
        await requireProject(trx, caller.orgId, changes.projectId);

        if (changes.graph !== undefined || changes.variables !== undefined) {
          await insertNextWorkflowVersion(trx, {
            workflowId: id,
            graph: changes.graph ?? before.graph,
            variables: changes.variables ?? (before.variables as Record<string, unknown>),
            createdBy: caller.userId,
          });
        }
        const after = await updateWorkflow(trx, caller.orgId, id, changes);
        await audit({ action: 'update', resourceType: 'workflow', resourceId: id, changes: { before: viewOf(before), after: viewOf(after) } });
        return after;
      });
      return reply.header('etag', etagOf(row.revision)).send({ workflow: viewOf(row) });
    },
  );

  app.delete(
    '/workflows/:id',
    {
      config: { scope: 'workflows:write' },
      schema: {
        tags: ['workflows'],
        summary: 'Delete a workflow (soft: its jobs and versions stay, the workflow answers 404 from then on)',
        params: idParams,
        headers: ifMatchHeaders,
        response: {
          204: Type.Null({ description: 'Deleted.' }),
          ...errorResponses('WORKFLOW_NOT_FOUND', 'REQUEST_PRECONDITION_FAILED', 'ROLE_FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await lockWorkflow(trx, caller.orgId, id);
        if (!before) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: id });
        checkIfMatch(request.headers['if-match'], etagOf(before.revision), { kind: 'Workflow', id });
        await softDeleteWorkflow(trx, caller.orgId, id);
        await audit({ action: 'delete', resourceType: 'workflow', resourceId: id, changes: { before: viewOf(before) } });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/workflows/validate',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: 'Check a graph against the node registry without saving it',
        body: Type.Object({ graph: workflowGraphSchema }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            valid: Type.Literal(true),
            order: Type.Array(Type.String(), { description: 'Node ids in the order they run.' }),
            outputs: Type.Array(Type.String(), { description: 'The node that makes the video.' }),
            inputs: Type.Record(Type.String(), Type.Record(Type.String(), Type.String()), {
              description: 'For each node, which node feeds each of its input ports.',
            }),
          }),
          ...errorResponses(...graphProblemCodes),
        },
      },
    },
    async (request) => {
      const plan = checkWorkflowGraph(request.body.graph);
      return { valid: true as const, order: plan.order, outputs: plan.outputs, inputs: plan.inputs };
    },
  );
}

function viewOf(row: WorkflowRecord) {
  return workflowView(row, etagOf(row.revision));
}

/** The body field a WorkflowChanges key came from. */
function fieldName(key: string): string {
  return key === 'projectId' ? 'project_id' : key;
}
