import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { FentaError } from '@fenta/core';
import { inTenantTransaction, recordAudit, type AuditEntry, type DB } from '@fenta/db';
import type { Caller } from '../auth/caller';

/** What a handler gets inside its tenant transaction. */
export interface TenantScope {
  trx: Transaction<DB>;
  caller: Caller;
  /** Records the write in audit_logs, in this transaction, with the request's address and user agent. */
  audit: (entry: Omit<AuditEntry, 'orgId' | 'ipAddress' | 'userAgent'>) => Promise<void>;
}

/**
 * Runs a handler's queries as the caller under row-level security (see
 * inTenantTransaction), so the database itself keeps each org to its own
 * rows. A write the caller's role may not make (row-level security or a
 * column privilege refusing it) answers ROLE_FORBIDDEN, not a 500.
 */
export async function asTenant<T>(db: Kysely<DB>, request: FastifyRequest, fn: (scope: TenantScope) => Promise<T>): Promise<T> {
  const caller = callerOf(request);
  try {
    return await inTenantTransaction(db, caller.userId, (trx) =>
      fn({
        trx,
        caller,
        audit: (entry) => recordAudit(trx, { ...entry, orgId: caller.orgId, ipAddress: request.ip, userAgent: request.headers['user-agent'] ?? null }),
      }),
    );
  } catch (error) {
    if (isInsufficientPrivilege(error)) {
      throw new FentaError('ROLE_FORBIDDEN', { role: caller.role, action: 'make this change' }, { details: { role: caller.role }, cause: error });
    }
    throw error;
  }
}

/** The authenticated caller; /v1 routes always have one (their onRequest hook refuses the rest). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new FentaError('AUTH_REQUIRED');
  return request.caller;
}

function isInsufficientPrivilege(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42501';
}
