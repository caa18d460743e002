import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Every column of webhooks but the signing secret, which no tenant may read
 * (00009 grants SELECT on these columns only): a tenant's query selecting it,
 * `returningAll()` included, is refused by the database.
 */
export const webhookColumns = [
  'id',
  'org_id',
  'url',
  'events',
  'enabled',
  'disabled_at',
  'disabled_reason',
  'failing_since',
  'created_by',
  'created_at',
  'updated_at',
] as const;

/** A webhook as tenants see it: no secret. */
export interface WebhookRow {
  id: string;
  org_id: string;
  url: string;
  events: string[];
  enabled: boolean;
  /** When and why the sender turned the endpoint off (410 Gone, five days of failures); null once enabled again. */
  disabled_at: Date | null;
  disabled_reason: string | null;
  /** Start of the current run of failed attempts; null after a success. */
  failing_since: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export function listWebhooks(db: Db, input: { orgId: string; after?: string; limit: number }): Promise<WebhookRow[]> {
  let query = db.selectFrom('webhooks').select(webhookColumns).where('org_id', '=', input.orgId);
  if (input.after !== undefined) query = query.where('id', '<', input.after);
  return query.orderBy('id', 'desc').limit(input.limit).execute();
}

export function findWebhook(db: Db, orgId: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').select(webhookColumns).where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
}

/** A new webhook id, from the database's own generator, so the secret can be sealed for its row before the row exists. */
export async function newWebhookId(db: Db): Promise<string> {
  const { rows } = await sql<{ id: string }>`SELECT fenta_id('hook') AS id`.execute(db);
  return rows[0]!.id;
}

export function insertWebhook(
  db: Db,
  input: { id: string; orgId: string; url: string; events: string[]; enabled: boolean; storedSecret: string; createdBy: string },
): Promise<WebhookRow> {
  return db
    .insertInto('webhooks')
    .values({
      id: input.id,
      org_id: input.orgId,
      url: input.url,
      events: input.events,
      enabled: input.enabled,
      secret: input.storedSecret,
      created_by: input.createdBy,
    })
    .returning(webhookColumns)
    .executeTakeFirstOrThrow();
}

export function updateWebhook(
  db: Db,
  orgId: string,
  id: string,
  fields: { url?: string; events?: string[]; enabled?: boolean },
): Promise<WebhookRow | undefined> {
  return db.updateTable('webhooks').set(fields).where('id', '=', id).where('org_id', '=', orgId).returning(webhookColumns).executeTakeFirst();
}

/**
 * Replaces a webhook's signing secret (stored as given: sealed or not is the
 * caller's business). The old one keeps signing beside it for 24 hours
 * (00020's trigger moves it to previous_secret).
 */
export function setWebhookSecret(db: Db, orgId: string, id: string, storedSecret: string): Promise<WebhookRow | undefined> {
  return db.updateTable('webhooks').set({ secret: storedSecret }).where('id', '=', id).where('org_id', '=', orgId).returning(webhookColumns).executeTakeFirst();
}

/** Deletes a webhook (the table has no deleted_at); its deliveries go with it. */
export async function deleteWebhook(db: Db, orgId: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('webhooks').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}
