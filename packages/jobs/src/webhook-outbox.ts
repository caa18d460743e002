import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '@fenta/db';

/**
 * Inserts a pending delivery for every enabled webhook of the org subscribed
 * to `event`. Called inside the transaction of the state change that causes
 * the event (an outbox), so an event is never lost between the two.
 */
export async function enqueueWebhookDeliveries(db: Kysely<DB> | Transaction<DB>, orgId: string, event: string, payload: unknown): Promise<void> {
  const hooks = await db
    .selectFrom('webhooks')
    .select('id')
    .where('org_id', '=', orgId)
    .where('enabled', '=', true)
    .where(sql<boolean>`${event} = ANY(events)`)
    .execute();
  if (hooks.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(hooks.map((hook) => ({ webhook_id: hook.id, event, payload: JSON.stringify(payload), status: 'pending', next_retry_at: sql`now()` })))
    .execute();
}
