import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** Whether the org has this project (not deleted): what a workflow or template may be filed under. */
export async function projectExists(db: Db, orgId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('projects').select('id').where('id', '=', id).where('org_id', '=', orgId).where('deleted_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}
