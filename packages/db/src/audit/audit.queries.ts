import { sql, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

export interface AuditEntry {
  orgId: string;
  /** e.g. create, update, delete, revoke, execute. */
  action: string;
  /** e.g. workflow, job, api_key. */
  resourceType: string;
  resourceId: string | null;
  /** What the write changed: the state before and after (either absent for a create or a delete). */
  changes?: { before?: unknown; after?: unknown };
  ipAddress?: string | null;
  userAgent?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * Records an audit entry in the tenant transaction that made the write
 * (fenta_record_audit, 00012): it commits with the write or not at all, and
 * is written as the transaction's user.
 */
export async function recordAudit(trx: Transaction<DB>, entry: AuditEntry): Promise<void> {
  await sql`SELECT fenta_record_audit(
    ${entry.orgId}, ${entry.action}, ${entry.resourceType}, ${entry.resourceId},
    ${entry.changes ? JSON.stringify(entry.changes) : null}::jsonb,
    ${entry.ipAddress ?? null}, ${entry.userAgent ?? null}, ${JSON.stringify(entry.metadata ?? {})}::jsonb
  )`.execute(trx);
}
