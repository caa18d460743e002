import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** A live org found by its id or its slug. */
export async function findOrg(db: Db, idOrSlug: string): Promise<{ id: string; name: string; owner_id: string } | undefined> {
  return db
    .selectFrom('orgs')
    .select(['id', 'name', 'owner_id'])
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** A member of the org, found by e-mail or user id (the owner when `who` is not given), with their role. */
export async function findOrgMember(db: Db, orgId: string, who?: string): Promise<{ userId: string; email: string; role: string } | undefined> {
  let query = db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['u.id as userId', 'u.email', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('u.deleted_at', 'is', null);
  query =
    who === undefined
      ? query.whereRef('m.user_id', '=', 'o.owner_id')
      : query.where((eb) => eb.or([eb('u.id', '=', who), eb('u.email', '=', who.toLowerCase())]));
  return query.executeTakeFirst();
}
