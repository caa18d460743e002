import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { findWorkflow, findWorkflowVersion, listWorkflowVersions } from '@fenta/db';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';
import { workflowIdParam, workflowVersionSchema, workflowVersionView } from './workflow.schemas';

/** A workflow's history: every graph and variables it had, one version per change. Read-only; versions are made by the workflow's writes. */
export async function registerWorkflowVersionRoutes(parent: FastifyInstance, { db }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/workflows/:id/versions',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: "List a workflow's versions, newest first",
        params: Type.Object({ id: workflowIdParam }),
        querystring: Type.Object(pageQuery),
        response: { 200: pageSchema(workflowVersionSchema), ...errorResponses('WORKFLOW_NOT_FOUND', 'CURSOR_INVALID') },
      },
    },
    async (request) => {
      const { id } = request.params;
      const before = decodeCursor('workflow-versions', request.query.cursor, 'ver');
      const rows = await asTenant(db, request, async ({ trx, caller }) => {
        if (!(await findWorkflow(trx, caller.orgId, id))) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: id });
        return listWorkflowVersions(trx, id, { before, limit: request.query.limit });
      });
      return toPage('workflow-versions', rows, request.query.limit, workflowVersionView);
    },
  );

  app.get(
    '/workflows/:id/versions/:version',
    {
      config: { scope: 'workflows:read' },
      schema: {
        tags: ['workflows'],
        summary: 'Read one version of a workflow by its number',
        params: Type.Object({ id: workflowIdParam, version: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The version number, from 1.' }) }),
        response: { 200: Type.Object({ version: workflowVersionSchema }), ...errorResponses('WORKFLOW_NOT_FOUND', 'WORKFLOW_VERSION_NOT_FOUND') },
      },
    },
    async (request) => {
      const { id, version } = request.params;
      const row = await asTenant(db, request, async ({ trx, caller }) => {
        if (!(await findWorkflow(trx, caller.orgId, id))) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: id });
        return findWorkflowVersion(trx, id, version);
      });
      if (!row) throw new FentaError('WORKFLOW_VERSION_NOT_FOUND', { workflow: id, version });
      return { version: workflowVersionView(row) };
    },
  );
}
