import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

/**
 * Runs `fn` in a transaction as the row-level-security role `fenta_app`,
 * acting for `userId`: the policies of 00007 and the privileges of 00009
 * decide what it sees and may change, so a handler that forgets an org filter
 * still cannot reach another org's rows. Commits when `fn` resolves, rolls
 * back when it throws.
 */
export async function inTenantTransaction<T>(db: Kysely<DB>, userId: string, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE fenta_app`.execute(trx);
    await sql`SELECT set_config('fenta.user_id', ${userId}, true)`.execute(trx);
    return fn(trx);
  });
}

/**
 * Runs `fn` as the system inside a tenant transaction, then returns to
 * `fenta_app`: for the system's columns of a row the tenant has just
 * written (what probing measured of an upload), so both commit together or
 * not at all. Only server code that has made its own checks calls this; it
 * is never given anything a tenant chose as SQL. If `fn` fails the
 * transaction is rolled back, so the role is not restored then.
 */
export async function withSystemRole<T>(trx: Transaction<DB>, fn: () => Promise<T>): Promise<T> {
  await sql`RESET ROLE`.execute(trx);
  const result = await fn();
  await sql`SET LOCAL ROLE fenta_app`.execute(trx);
  return result;
}
