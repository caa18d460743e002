import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** What a presented key says about its caller, read by the system before any tenant transaction starts. */
export interface ApiKeyCaller {
  keyId: string;
  userId: string;
  orgId: string;
  /** The holder's role in the key's org now (not when the key was made). */
  role: string;
  scopes: unknown;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * The key with this hash and the holder's current membership of its org, or
 * undefined when there is none (no such key, the org is deleted, the holder
 * left the org or is disabled). Revoked and expired keys are returned, so the
 * caller can say which.
 */
export async function findApiKeyCaller(db: Db, keyHash: string): Promise<ApiKeyCaller | undefined> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('orgs as o', 'o.id', 'k.org_id')
    .innerJoin('org_members as m', (join) => join.onRef('m.org_id', '=', 'k.org_id').onRef('m.user_id', '=', 'k.user_id'))
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.user_id', 'k.org_id', 'm.role', 'k.scopes', 'k.revoked_at', 'k.expires_at', 'k.last_used_at'])
    .where('k.key_hash', '=', keyHash)
    .where('o.deleted_at', 'is', null)
    .where('u.deleted_at', 'is', null)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row || row.org_id === null) return undefined;
  return {
    keyId: row.id,
    userId: row.user_id,
    orgId: row.org_id,
    role: row.role,
    scopes: row.scopes,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/**
 * Marks a key used, at most once a minute: a key used on every request would
 * otherwise rewrite its row on every request. Returns whether it wrote.
 */
export async function touchApiKey(db: Db, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface NewApiKeyInput {
  orgId: string;
  userId: string;
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
  issued: { prefix: string; hash: string };
}

/** Stores a key the system issues (`./fenta org create`, `./fenta key create`); tenants create theirs through the API, under RLS. */
export async function insertApiKey(db: Db, input: NewApiKeyInput): Promise<{ id: string }> {
  return db
    .insertInto('api_keys')
    .values({
      org_id: input.orgId,
      user_id: input.userId,
      name: input.name,
      key_hash: input.issued.hash,
      key_prefix: input.issued.prefix,
      scopes: JSON.stringify(input.scopes),
      expires_at: input.expiresAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** An org's keys, newest first (never their hashes). */
export async function listOrgApiKeys(db: Db, orgId: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.name', 'k.key_prefix', 'k.scopes', 'k.created_at', 'k.expires_at', 'k.last_used_at', 'k.revoked_at', 'u.email'])
    .where('k.org_id', '=', orgId)
    .orderBy('k.id', 'desc')
    .execute();
}

/** Revokes a key of the org, as the system; undefined when the org has no such key. Revoking twice keeps the first date. */
export async function revokeApiKey(
  db: Db,
  orgId: string | undefined,
  keyId: string,
): Promise<{ id: string; org_id: string | null; revoked_at: Date | null } | undefined> {
  let query = db
    .updateTable('api_keys')
    .set({ revoked_at: sql`COALESCE(revoked_at, now())` })
    .where('id', '=', keyId);
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  return query.returning(['id', 'org_id', 'revoked_at']).executeTakeFirst();
}
