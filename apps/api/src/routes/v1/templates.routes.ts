import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Transaction } from 'kysely';
import { FentaError, quoteId } from '@fenta/core';
import {
  findVisibleTemplate,
  insertTemplate,
  listVisibleTemplates,
  lockOwnTemplate,
  softDeleteTemplate,
  updateTemplate,
  type DB,
  type TemplateChanges,
  type TemplateRecord,
} from '@fenta/db';
import { parseTemplateSpec } from '@fenta/graph';
import type { ApiContext } from '../../api-context';
import { contentDescription, contentName, projectIdField } from './content-fields.schemas';
import { errorResponses } from '../../http/error-responses';
import { checkIfMatch, etagOf, ifMatchHeaders } from '../../http/etag';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';
import { requireProject } from '../../tenancy/require-project';
import { checkTemplateFrame } from '../../templates/template-frame';
import {
  templateAspectSchema,
  templateIdParam,
  templateResolutionSchema,
  templateSchema,
  templateSpecSchema,
  templateView,
  thumbnailUrlSchema,
} from './template.schemas';

const idParams = Type.Object({ id: templateIdParam });
const templateBody = Type.Object({ template: templateSchema });

/**
 * Templates an org can use: its own (create, change, soft-delete) and Fenta's
 * public ones (read only: a write answers 403 TEMPLATE_PUBLIC_READ_ONLY, since
 * the org can see them, rather than a 404 that would contradict a GET).
 * Another org's templates are as unknown as missing ones. Every spec written
 * is checked against the template spec format, and the resolution against
 * the aspect.
 */
export async function registerTemplateRoutes(parent: FastifyInstance, { db }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/templates',
    {
      config: { scope: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: "List the org's templates and the public ones, newest first",
        querystring: Type.Object(pageQuery),
        response: { 200: pageSchema(templateSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const before = decodeCursor('templates', request.query.cursor, 'tmpl');
      const rows = await asTenant(db, request, ({ trx, caller }) => listVisibleTemplates(trx, caller.orgId, { before, limit: request.query.limit }));
      return toPage('templates', rows, request.query.limit, viewOf);
    },
  );

  app.get(
    '/templates/:id',
    {
      config: { scope: 'templates:read' },
      schema: {
        tags: ['templates'],
        summary: 'Read one of your templates or a public one',
        params: idParams,
        response: { 200: templateBody, ...errorResponses('TEMPLATE_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const row = await asTenant(db, request, ({ trx, caller }) => findVisibleTemplate(trx, caller.orgId, request.params.id));
      if (!row) throw new FentaError('TEMPLATE_NOT_FOUND', { template: request.params.id });
      return reply.header('etag', etagOf(row.revision)).send({ template: viewOf(row) });
    },
  );

  app.post(
    '/templates',
    {
      config: { scope: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Create a template of your org',
        body: Type.Object(
          {
            name: contentName,
            description: Type.Optional(contentDescription),
            aspect: templateAspectSchema,
            resolution: templateResolutionSchema,
            spec: templateSpecSchema,
            thumbnail_url: Type.Optional(thumbnailUrlSchema),
            project_id: Type.Optional(Type.Union([projectIdField, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: templateBody, ...errorResponses('TEMPLATE_SPEC_INVALID', 'PROJECT_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkTemplateFrame(body.aspect, body.resolution, 'resolution');
      parseTemplateSpec(quoteId(body.name), body.spec);
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        await requireProject(trx, caller.orgId, body.project_id);
        const created = await insertTemplate(trx, {
          orgId: caller.orgId,
          projectId: body.project_id ?? null,
          name: body.name,
          description: body.description ?? null,
          aspect: body.aspect,
          resolution: body.resolution,
          thumbnailUrl: body.thumbnail_url ?? null,
          spec: body.spec,
          createdBy: caller.userId,
        });
        await audit({ action: 'create', resourceType: 'template', resourceId: created.id, changes: { after: viewOf(created) } });
        return created;
      });
      return reply
        .status(201)
        .header('etag', etagOf(row.revision))
        .send({ template: viewOf(row) });
    },
  );

  app.patch(
    '/templates/:id',
    {
      config: { scope: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Change one of your templates',
        params: idParams,
        headers: ifMatchHeaders,
        body: Type.Object(
          {
            name: Type.Optional(contentName),
            description: Type.Optional(contentDescription),
            aspect: Type.Optional(templateAspectSchema),
            resolution: Type.Optional(templateResolutionSchema),
            spec: Type.Optional(templateSpecSchema),
            thumbnail_url: Type.Optional(thumbnailUrlSchema),
            project_id: Type.Optional(Type.Union([projectIdField, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: {
          200: templateBody,
          ...errorResponses(
            'TEMPLATE_NOT_FOUND',
            'TEMPLATE_PUBLIC_READ_ONLY',
            'TEMPLATE_SPEC_INVALID',
            'REQUEST_PRECONDITION_FAILED',
            'PROJECT_NOT_FOUND',
            'ROLE_FORBIDDEN',
          ),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      if (body.spec !== undefined) parseTemplateSpec(id, body.spec);
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await lockOwn(trx, caller.orgId, id);
        checkIfMatch(request.headers['if-match'], etagOf(before.revision), { kind: 'Template', id });
        if (body.aspect !== undefined || body.resolution !== undefined) {
          checkTemplateFrame(body.aspect ?? before.aspect, body.resolution ?? before.resolution, body.resolution !== undefined ? 'resolution' : 'aspect');
        }

        const changes: TemplateChanges = {};
        if (body.name !== undefined && body.name !== before.name) changes.name = body.name;
        if (body.description !== undefined && body.description !== before.description) changes.description = body.description;
        if (body.aspect !== undefined && body.aspect !== before.aspect) changes.aspect = body.aspect;
        if (body.resolution !== undefined && body.resolution !== before.resolution) changes.resolution = body.resolution;
        if (body.thumbnail_url !== undefined && body.thumbnail_url !== before.thumbnail_url) changes.thumbnailUrl = body.thumbnail_url;
        if (body.project_id !== undefined && body.project_id !== before.project_id) changes.projectId = body.project_id;
        if (body.spec !== undefined && !isDeepStrictEqual(body.spec, before.spec)) changes.spec = body.spec;
        if (Object.keys(changes).length === 0) return before;
        await requireProject(trx, caller.orgId, changes.projectId);

        const after = await updateTemplate(trx, caller.orgId, id, changes);
        await audit({ action: 'update', resourceType: 'template', resourceId: id, changes: { before: viewOf(before), after: viewOf(after) } });
        return after;
      });
      return reply.header('etag', etagOf(row.revision)).send({ template: viewOf(row) });
    },
  );

  app.delete(
    '/templates/:id',
    {
      config: { scope: 'templates:write' },
      schema: {
        tags: ['templates'],
        summary: 'Delete one of your templates (soft: jobs keep their copy of it; new jobs can no longer use it)',
        params: idParams,
        headers: ifMatchHeaders,
        response: {
          204: Type.Null({ description: 'Deleted.' }),
          ...errorResponses('TEMPLATE_NOT_FOUND', 'TEMPLATE_PUBLIC_READ_ONLY', 'REQUEST_PRECONDITION_FAILED', 'ROLE_FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await lockOwn(trx, caller.orgId, id);
        checkIfMatch(request.headers['if-match'], etagOf(before.revision), { kind: 'Template', id });
        await softDeleteTemplate(trx, caller.orgId, id);
        await audit({ action: 'delete', resourceType: 'template', resourceId: id, changes: { before: viewOf(before) } });
      });
      return reply.status(204).send(null);
    },
  );
}

/** The org's own template, locked; a public one it can see but not change is 403, anything else 404. */
async function lockOwn(trx: Transaction<DB>, orgId: string, id: string): Promise<TemplateRecord> {
  const own = await lockOwnTemplate(trx, orgId, id);
  if (own) return own;
  if (await findVisibleTemplate(trx, orgId, id)) throw new FentaError('TEMPLATE_PUBLIC_READ_ONLY', { template: id });
  throw new FentaError('TEMPLATE_NOT_FOUND', { template: id });
}

function viewOf(row: TemplateRecord) {
  return templateView(row, etagOf(row.revision));
}
