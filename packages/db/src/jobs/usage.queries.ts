import type { Kysely, Transaction } from 'kysely';
import type { DB, NewUsageRecord } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Inserts usage records whose idempotency key is not recorded yet. A unique
 * index cannot span partitions, so the check is a query inside the caller's
 * transaction, which also holds the node's checkpoint: a node's usage lands
 * exactly when its checkpoint does.
 */
export async function insertUsageOnce(db: Db, records: Array<NewUsageRecord & { idempotency_key: string }>): Promise<number> {
  if (records.length === 0) return 0;
  const existing = await db
    .selectFrom('usage_records')
    .select('idempotency_key')
    .where('org_id', 'in', [...new Set(records.map((record) => record.org_id))])
    .where(
      'idempotency_key',
      'in',
      records.map((record) => record.idempotency_key),
    )
    .execute();
  const seen = new Set(existing.map((row) => row.idempotency_key));
  const fresh = records.filter((record) => !seen.has(record.idempotency_key));
  if (fresh.length > 0) await db.insertInto('usage_records').values(fresh).execute();
  return fresh.length;
}
