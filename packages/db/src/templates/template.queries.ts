import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The layout fields and spec of the templates among `ids` that an org may use: its own and the public ones. */
export async function findVisibleTemplates(db: Db, orgId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('templates')
    .select(['id', 'name', 'aspect', 'resolution', 'spec'])
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('org_id', '=', orgId), eb('is_public', '=', true)]))
    .execute();
}
