import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';
import { deleteInBatches } from '../maintenance/delete-in-batches';

type Db = Kysely<DB> | Transaction<DB>;

/** A request made with an Idempotency-Key, as kept: what was asked (hash) and what was answered. */
export interface IdempotentRequest {
  requestHash: string;
  status: number;
  body: unknown;
  jobId: string | null;
  createdAt: Date;
}

/** The request an org made with `key`, if it kept one. Read by the system (tenants have no access to idempotency_keys). */
export async function findIdempotentRequest(db: Db, orgId: string, key: string): Promise<IdempotentRequest | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body', 'job_id', 'created_at'])
    .where('org_id', '=', orgId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { requestHash: row.request_hash, status: row.response_status, body: row.response_body, jobId: row.job_id, createdAt: row.created_at };
}

/**
 * Keeps the response of a request made with `key` (fenta_store_idempotent_response,
 * 00013), in the transaction that made what it answers. False when the key
 * already has one: a concurrent request with it committed first (this call
 * waited for it), and the caller rolls back and answers with that one.
 */
export async function storeIdempotentResponse(
  db: Db,
  input: { orgId: string; key: string; requestHash: string; status: number; body: unknown; jobId: string | null },
): Promise<boolean> {
  const { rows } = await sql<{ stored: boolean }>`
    SELECT fenta_store_idempotent_response(${input.orgId}, ${input.key}, ${input.requestHash}, ${input.status},
      ${JSON.stringify(input.body)}::jsonb, ${input.jobId}) AS stored`.execute(db);
  return rows[0]?.stored === true;
}

/**
 * Removes the kept requests whose time is up (expires_at passed: 24 hours
 * after they were made), a batch at a time so no delete holds many row locks
 * for long. The key stays taken by its job (jobs.idempotency_key): a request
 * made with it again is refused (422 IDEMPOTENCY_KEY_REUSED). Returns
 * how many were removed. Upkeep, run by the scheduler.
 */
export async function pruneExpiredIdempotencyKeys(db: Db, options: { batchSize?: number; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return deleteInBatches(options.batchSize ?? 1_000, async (limit) => {
    const result = await db
      .deleteFrom('idempotency_keys')
      .where('id', 'in', (query) => query.selectFrom('idempotency_keys').select('id').where('expires_at', '<', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
