import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../schema/tables';

export interface NewOrgInput {
  name: string;
  /** The owner's e-mail: an existing user with it becomes the owner, or a new user is made. */
  ownerEmail: string;
  ownerName?: string;
  plan?: string;
}

export interface CreatedOrg {
  orgId: string;
  slug: string;
  userId: string;
  /** Whether the owner's user row was made now (false: an existing user was made owner). */
  userCreated: boolean;
}

/**
 * Creates an org, its owner (the user with `ownerEmail`, made if missing) and
 * the owner's membership, in one transaction, as the system. The slug comes
 * from the name, with a short random suffix when another org has it.
 */
export async function createOrgWithOwner(db: Kysely<DB>, input: NewOrgInput): Promise<CreatedOrg> {
  return db.transaction().execute(async (trx) => {
    const email = input.ownerEmail.trim().toLowerCase();
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).where('deleted_at', 'is', null).executeTakeFirst();
    const userId =
      existing?.id ??
      (
        await trx
          .insertInto('users')
          // '!' never matches a password hash: this user signs in with API keys until a password is set.
          .values({ email, name: input.ownerName ?? email.split('@')[0]!, password_hash: '!' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const base = slugOf(input.name);
    const taken = await trx.selectFrom('orgs').select('id').where('slug', '=', base).executeTakeFirst();
    const slug = taken ? `${base.slice(0, 40)}-${randomBytes(3).toString('hex')}` : base;
    const org = await trx
      .insertInto('orgs')
      .values({ name: input.name, slug, owner_id: userId, billing_email: email, ...(input.plan ? { plan: input.plan } : {}) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('org_members').values({ org_id: org.id, user_id: userId, role: 'owner' }).execute();
    return { orgId: org.id, slug, userId, userCreated: !existing };
  });
}

/** A URL-safe slug of a name: lowercase letters, digits and dashes; `org` when nothing is left. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'org';
}
