import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { FentaError, hashApiKey, isApiScope, isOrgRole, looksLikeApiKey, scopesOfRole, type ApiScope } from '@fenta/core';
import { findApiKeyCaller, touchApiKey, type DB } from '@fenta/db';
import type { Caller } from './caller';

/**
 * The onRequest hook of every /v1 route: reads `Authorization: Bearer <key>`,
 * finds the key by its hash, refuses a revoked or expired one, and checks the
 * route's scope against what the key carries and the holder's role allows
 * today. It runs before the body is read, so nobody unauthenticated uploads
 * anything.
 */
export function authenticateApiKey(db: Kysely<DB>) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const caller = await callerOf(db, request);
    const scope = request.routeOptions.config.scope;
    if (scope !== undefined && !caller.scopes.has(scope)) {
      const allowedByRole = scopesOfRole[caller.role].includes(scope);
      throw new FentaError(
        'SCOPE_MISSING',
        { scope, reason: allowedByRole ? '' : ` (and the ${caller.role} role cannot have it)` },
        { details: { missing_scope: scope, role: caller.role } },
      );
    }
    request.caller = caller;
  };
}

async function callerOf(db: Kysely<DB>, request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
  if (!match) throw new FentaError('AUTH_REQUIRED');
  const key = match[1]!;
  if (!looksLikeApiKey(key)) throw new FentaError('AUTH_KEY_INVALID');
  const found = await findApiKeyCaller(db, hashApiKey(key));
  if (!found || !isOrgRole(found.role)) throw new FentaError('AUTH_KEY_INVALID');
  const prefix = key.slice(0, 14);
  if (found.revokedAt && found.revokedAt.getTime() <= Date.now()) throw new FentaError('AUTH_KEY_REVOKED', { prefix });
  if (found.expiresAt && found.expiresAt.getTime() <= Date.now())
    throw new FentaError('AUTH_KEY_EXPIRED', { prefix, expiredAt: found.expiresAt.toISOString() });

  if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) {
    // Not awaited: a request never waits on bookkeeping, and a failed touch only leaves last_used_at older.
    touchApiKey(db, found.keyId).catch((error: unknown) => request.log.warn({ err: error, keyId: found.keyId }, 'could not record that the key was used'));
  }
  const allowed = new Set<ApiScope>(scopesOfRole[found.role]);
  const carried = Array.isArray(found.scopes) ? found.scopes.filter((scope): scope is ApiScope => typeof scope === 'string' && isApiScope(scope)) : [];
  return { keyId: found.keyId, userId: found.userId, orgId: found.orgId, role: found.role, scopes: new Set(carried.filter((scope) => allowed.has(scope))) };
}
