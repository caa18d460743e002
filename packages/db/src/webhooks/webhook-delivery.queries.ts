import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Queues `event` for every enabled webhook of the org subscribed to it
 * (fenta_enqueue_webhook_deliveries, 00020). Called inside the transaction
 * of the state change that causes the event (an outbox), so an event is
 * never lost between the two. Returns how many deliveries were queued.
 */
export async function enqueueWebhookDeliveries(db: Db, orgId: string, event: string, payload: unknown): Promise<number> {
  const { rows } = await sql<{ queued: number }>`
    SELECT fenta_enqueue_webhook_deliveries(${orgId}, ${event}, ${JSON.stringify(payload)}::jsonb) AS queued
  `.execute(db);
  return rows[0]?.queued ?? 0;
}

/** A delivery a sender has claimed, with what it needs to send it: where, and the secrets to sign with (as stored: maybe sealed). */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  orgId: string;
  event: string;
  payload: unknown;
  /** Attempts made before this one. */
  attempts: number;
  /** The id every attempt of this event is sent under (the first delivery's, for a redelivery). */
  messageId: string;
  createdAt: Date;
  leaseToken: string;
  url: string;
  storedSecret: string;
  /** The secret before the last rotation while it still signs, else null. */
  storedPreviousSecret: string | null;
  failingSince: Date | null;
}

/**
 * Claims up to `limit` deliveries due at `now` to enabled webhooks: each gets
 * a new lease token until `now + leaseMs`. Rows another sender is claiming
 * are skipped, not waited for (SKIP LOCKED), and a claim still in its lease
 * is not due, so concurrent senders never hold the same attempt. A claim
 * whose sender died lapses at leased_until and is claimed again.
 */
export async function claimDueDeliveries(db: Db, input: { now: Date; leaseMs: number; limit: number }): Promise<ClaimedDelivery[]> {
  const leasedUntil = new Date(input.now.getTime() + input.leaseMs);
  const { rows } = await sql<{
    id: string;
    webhook_id: string;
    org_id: string;
    event: string;
    payload: unknown;
    attempts: number;
    message_id: string;
    created_at: Date;
    lease_token: string;
    url: string;
    secret: string;
    previous_secret: string | null;
    failing_since: Date | null;
  }>`
    WITH due AS (
      SELECT d.id
      FROM webhook_deliveries d
      JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending'
        AND d.next_retry_at <= ${input.now}
        AND (d.leased_until IS NULL OR d.leased_until <= ${input.now})
        AND w.enabled
      ORDER BY d.next_retry_at, d.id
      LIMIT ${input.limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_deliveries d
    SET lease_token = gen_random_uuid(), leased_until = ${leasedUntil}
    FROM due, webhooks w
    WHERE d.id = due.id AND w.id = d.webhook_id
    RETURNING d.id, d.webhook_id, w.org_id, d.event, d.payload, d.attempts, COALESCE(d.redelivery_of, d.id) AS message_id,
              d.created_at, d.lease_token, w.url, w.secret,
              CASE WHEN w.previous_secret_expires_at > ${input.now} THEN w.previous_secret END AS previous_secret,
              w.failing_since
  `.execute(db);
  return rows.map((row) => ({
    id: row.id,
    webhookId: row.webhook_id,
    orgId: row.org_id,
    event: row.event,
    payload: row.payload,
    attempts: row.attempts,
    messageId: row.message_id,
    createdAt: row.created_at,
    leaseToken: row.lease_token,
    url: row.url,
    storedSecret: row.secret,
    storedPreviousSecret: row.previous_secret,
    failingSince: row.failing_since,
  }));
}

/** What one attempt came to. */
export interface DeliveryAttemptRecord {
  id: string;
  leaseToken: string;
  at: Date;
  /** success (2xx), pending (another attempt at nextRetryAt) or failed (given up). */
  status: 'success' | 'pending' | 'failed';
  httpStatus: number | null;
  responseBody: string | null;
  lastError: string | null;
  nextRetryAt: Date | null;
}

/**
 * Records an attempt and releases the claim, only if `leaseToken` still
 * holds it: false means the lease lapsed and another sender took the
 * delivery, so this attempt's outcome is not written over its.
 */
export async function recordDeliveryAttempt(db: Db, record: DeliveryAttemptRecord): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: record.status,
      attempts: sql`attempts + 1`,
      last_attempt_at: record.at,
      http_status: record.httpStatus,
      response_body: record.responseBody,
      last_error: record.lastError,
      next_retry_at: record.nextRetryAt,
      lease_token: null,
      leased_until: null,
    })
    .where('id', '=', record.id)
    .where('lease_token', '=', record.leaseToken)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives a claim back without an attempt (the sender is stopping), so another sender may take the delivery at once. */
export async function releaseDeliveryLease(db: Db, id: string, leaseToken: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_token: null, leased_until: null })
    .where('id', '=', id)
    .where('lease_token', '=', leaseToken)
    .execute();
}

/** A success ends the endpoint's run of failures. */
export async function markWebhookHealthy(db: Db, webhookId: string): Promise<void> {
  await db.updateTable('webhooks').set({ failing_since: null }).where('id', '=', webhookId).where('failing_since', 'is not', null).execute();
}

/** A failed attempt: the endpoint's run of failures starts now unless it had already begun. Returns when it began. */
export async function markWebhookFailing(db: Db, webhookId: string, at: Date): Promise<Date | undefined> {
  const row = await db
    .updateTable('webhooks')
    .set({ failing_since: sql`COALESCE(failing_since, ${at}::timestamptz)` })
    .where('id', '=', webhookId)
    .returning('failing_since')
    .executeTakeFirst();
  return row?.failing_since ?? undefined;
}

/**
 * Turns an enabled endpoint off for `reason` and records it in the org's
 * audit trail as the system's act. Undefined when it was already off (another
 * sender got there first), so the org is told once.
 */
export async function disableWebhookForFailures(
  db: Db,
  input: { webhookId: string; at: Date; reason: string },
): Promise<{ orgId: string; url: string } | undefined> {
  const row = await db
    .updateTable('webhooks')
    .set({ enabled: false, disabled_at: input.at, disabled_reason: input.reason })
    .where('id', '=', input.webhookId)
    .where('enabled', '=', true)
    .returning(['org_id', 'url'])
    .executeTakeFirst();
  if (!row) return undefined;
  await db
    .insertInto('audit_logs')
    .values({
      org_id: row.org_id,
      action: 'disable',
      resource_type: 'webhook',
      resource_id: input.webhookId,
      changes: JSON.stringify({ before: { enabled: true }, after: { enabled: false, disabled_reason: input.reason } }),
      metadata: JSON.stringify({ actor: 'system' }),
    })
    .execute();
  return { orgId: row.org_id, url: row.url };
}

/** A delivery as tenants see it. */
export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  payload: unknown;
  status: string;
  http_status: number | null;
  response_body: string | null;
  last_error: string | null;
  attempts: number;
  last_attempt_at: Date | null;
  next_retry_at: Date | null;
  redelivery_of: string | null;
  created_at: Date;
}

const deliveryColumns = [
  'id',
  'webhook_id',
  'event',
  'payload',
  'status',
  'http_status',
  'response_body',
  'last_error',
  'attempts',
  'last_attempt_at',
  'next_retry_at',
  'redelivery_of',
  'created_at',
] as const;

/** A webhook's deliveries, newest first, paged by id; `status` narrows them. */
export function listWebhookDeliveries(
  db: Db,
  input: { webhookId: string; status?: 'pending' | 'success' | 'failed'; after?: string; limit: number },
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').select(deliveryColumns).where('webhook_id', '=', input.webhookId);
  if (input.status !== undefined) query = query.where('status', '=', input.status);
  if (input.after !== undefined) query = query.where('id', '<', input.after);
  return query.orderBy('id', 'desc').limit(input.limit).execute();
}

export function findWebhookDelivery(db: Db, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').select(deliveryColumns).where('id', '=', id).where('webhook_id', '=', webhookId).executeTakeFirst();
}

/** Queues a finished delivery again (fenta_redeliver_webhook, 00020); undefined when the caller cannot see it. */
export async function redeliverWebhookDelivery(db: Db, id: string): Promise<WebhookDeliveryRow | undefined> {
  const { rows } = await sql<WebhookDeliveryRow>`
    SELECT ${sql.join(deliveryColumns.map((column) => sql.ref(column)))} FROM fenta_redeliver_webhook(${id})
  `.execute(db);
  return rows[0];
}

/** Queues a webhook.test delivery to the endpoint (fenta_send_test_webhook, 00020); undefined when the caller cannot see it. */
export async function sendTestWebhookDelivery(db: Db, webhookId: string): Promise<WebhookDeliveryRow | undefined> {
  const { rows } = await sql<WebhookDeliveryRow>`
    SELECT ${sql.join(deliveryColumns.map((column) => sql.ref(column)))} FROM fenta_send_test_webhook(${webhookId})
  `.execute(db);
  return rows[0];
}
