import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { apiScopes, FentaError, issueApiKey, scopesOfRole } from '@fenta/core';
import type { ApiKey } from '@fenta/db';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';

const scopeSchema = Type.Union(
  apiScopes.map((scope) => Type.Literal(scope)),
  { description: 'One of the API scopes.' },
);
const timestamp = Type.String({ format: 'date-time' });
const nullableTimestamp = Type.Union([timestamp, Type.Null()]);

const apiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    key_prefix: Type.String({ description: 'The first characters of the key, to tell keys apart.' }),
    scopes: Type.Array(Type.String()),
    user_id: Type.String(),
    created_at: timestamp,
    expires_at: nullableTimestamp,
    last_used_at: nullableTimestamp,
    revoked_at: nullableTimestamp,
  },
  { $id: 'ApiKey' },
);

const keyIdParams = Type.Object({ id: Type.String({ pattern: '^key_[A-Za-z0-9_-]{1,100}$', description: 'An API key id, `key_…`.' }) });

/**
 * API keys of the caller's org: list, create (the secret is in the creation
 * response only; the database keeps its hash), revoke. Creating needs the
 * owner or admin role; a new key carries no scope the creating key lacks, so
 * a narrow key cannot mint a wider one.
 */
export async function registerApiKeyRoutes(parent: FastifyInstance, { db }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api-keys',
    {
      config: { scope: 'keys:write' },
      schema: {
        tags: ['api-keys'],
        summary: "List the org's API keys, newest first",
        querystring: Type.Object(pageQuery),
        response: { 200: pageSchema(apiKeySchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const after = decodeCursor('api-keys', request.query.cursor, 'key');
      const rows = await asTenant(db, request, ({ trx, caller }) => {
        let query = trx.selectFrom('api_keys').selectAll().where('org_id', '=', caller.orgId);
        if (after !== undefined) query = query.where('id', '<', after);
        return query
          .orderBy('id', 'desc')
          .limit(request.query.limit + 1)
          .execute();
      });
      return toPage('api-keys', rows, request.query.limit, apiKeyView);
    },
  );

  app.post(
    '/api-keys',
    {
      config: { scope: 'keys:write' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; its secret is returned once, in this response',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(scopeSchema, { minItems: 1, uniqueItems: true }),
            expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the key stops working; never, if left out.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ api_key: apiKeySchema, key: Type.String({ description: 'The secret key. Shown once: store it now.' }) }),
          ...errorResponses('ROLE_FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { name, scopes, expires_at } = request.body;
      const expiresAt = expires_at === undefined ? null : new Date(expires_at);
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new FentaError(
          'REQUEST_INVALID',
          { reason: 'body.expires_at must be in the future' },
          { details: { problems: [{ path: 'body.expires_at', message: 'must be in the future' }] } },
        );
      }
      const created = await asTenant(db, request, async ({ trx, caller, audit }) => {
        if (caller.role !== 'owner' && caller.role !== 'admin') throw new FentaError('ROLE_FORBIDDEN', { role: caller.role, action: 'create API keys' });
        const beyondRole = scopes.find((scope) => !scopesOfRole[caller.role].includes(scope));
        if (beyondRole) throw new FentaError('ROLE_FORBIDDEN', { role: caller.role, action: `grant ${beyondRole}` }, { details: { scope: beyondRole } });
        const beyondKey = scopes.find((scope) => !caller.scopes.has(scope));
        if (beyondKey) {
          throw new FentaError(
            'SCOPE_MISSING',
            { scope: beyondKey, reason: ', so it cannot give it to a new key' },
            { details: { missing_scope: beyondKey, role: caller.role } },
          );
        }
        const issued = issueApiKey();
        const row = await trx
          .insertInto('api_keys')
          .values({
            user_id: caller.userId,
            org_id: caller.orgId,
            name,
            key_hash: issued.hash,
            key_prefix: issued.prefix,
            scopes: JSON.stringify(scopes),
            expires_at: expiresAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit({ action: 'create', resourceType: 'api_key', resourceId: row.id, changes: { after: apiKeyView(row) } });
        return { row, key: issued.key };
      });
      return reply.status(201).send({ api_key: apiKeyView(created.row), key: created.key });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { scope: 'keys:write' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke one of your API keys (revoking twice is not an error)',
        params: keyIdParams,
        response: { 200: Type.Object({ api_key: apiKeySchema }), ...errorResponses('API_KEY_NOT_FOUND') },
      },
    },
    async (request) => {
      const id = request.params.id;
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).where('org_id', '=', caller.orgId).executeTakeFirst();
        // Only the holder revokes a key (row-level security); someone else's key is as unknown as a missing one.
        if (!before || before.user_id !== caller.userId) throw new FentaError('API_KEY_NOT_FOUND', { key: id });
        if (before.revoked_at) return before;
        const after = await trx
          .updateTable('api_keys')
          .set({ revoked_at: sql`now()` })
          .where('id', '=', id)
          .where('org_id', '=', caller.orgId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit({ action: 'revoke', resourceType: 'api_key', resourceId: id, changes: { before: apiKeyView(before), after: apiKeyView(after) } });
        return after;
      });
      return { api_key: apiKeyView(row) };
    },
  );
}

function apiKeyView(row: ApiKey) {
  return {
    id: row.id,
    name: row.name,
    key_prefix: row.key_prefix,
    scopes: Array.isArray(row.scopes) ? row.scopes.filter((scope): scope is string => typeof scope === 'string') : [],
    user_id: row.user_id,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}
