import type { Kysely } from 'kysely';
import { openSecret, webhookHeaders, webhookSecretContext, type AddressPolicy, type Logger } from '@fenta/core';
import {
  claimDueDeliveries,
  disableWebhookForFailures,
  enqueueWebhookDeliveries,
  markWebhookFailing,
  markWebhookHealthy,
  recordDeliveryAttempt,
  releaseDeliveryLease,
  type ClaimedDelivery,
  type DB,
  type DeliveryAttemptRecord,
} from '@fenta/db';
import { deliveryBody } from './delivery-body';
import { nextAttemptDelayMs } from './retry-schedule';
import { sendWebhook, type SendOutcome } from './send-webhook';

export interface DeliverWebhooksDeps {
  db: Kysely<DB>;
  logger: Logger;
  /** Where deliveries may connect: `{}` (public addresses only) unless FENTA_ALLOW_LOOPBACK_URLS. */
  policy: AddressPolicy;
  /** FENTA_SECRETS_KEY, to open sealed signing secrets. */
  secretsKey?: Buffer;
  /** The clock every due time, lease and signature timestamp is read from. */
  now?: () => Date;
}

export interface DeliverWebhooksOptions {
  /** Deliveries claimed and sent at once. */
  limit: number;
  /** One attempt's limit, connect to last byte: 15 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** How one claimed delivery went. */
export interface DeliveryResult {
  id: string;
  status: DeliveryAttemptRecord['status'];
  httpStatus: number | null;
  /** False when the lease lapsed before the outcome was recorded (another sender has the delivery now). */
  recorded: boolean;
}

/** The default limit of one attempt. */
export const deliveryTimeoutMs = 15_000;
/** An endpoint failing this long without a success is disabled. */
export const failingEndpointLimitMs = 5 * 24 * 3_600_000;

/**
 * Sends every delivery due now, up to `limit` at once: claims them under a
 * lease (two senders never attempt the same delivery at once), signs each
 * with the endpoint's secrets, POSTs it to the checked address, and records
 * the outcome under the lease: 2xx is delivered; otherwise the next attempt
 * is scheduled (Retry-After honoured) or, after the last, the delivery is
 * given up. 410 Gone, or five days of failures, disables the endpoint, and
 * the org is told (its audit trail, and a webhook.disabled event to its
 * other endpoints).
 */
export async function deliverDueWebhooks(deps: DeliverWebhooksDeps, options: DeliverWebhooksOptions): Promise<DeliveryResult[]> {
  const now = deps.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? deliveryTimeoutMs;
  // The lease outlasts an attempt by a margin, so it never lapses while the attempt is still running.
  const claimed = await claimDueDeliveries(deps.db, { now: now(), leaseMs: timeoutMs + 30_000, limit: options.limit });
  // Every attempt ends before this returns, even when one fails (PostgreSQL away): a stopping loop waits for all of them.
  const settled = await Promise.allSettled(claimed.map((delivery) => attempt(deps, delivery, timeoutMs, now, options.signal)));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<DeliveryResult>).value);
}

async function attempt(
  deps: DeliverWebhooksDeps,
  delivery: ClaimedDelivery,
  timeoutMs: number,
  now: () => Date,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  let outcome: SendOutcome;
  try {
    outcome = await send(deps, delivery, timeoutMs, now, signal);
  } catch (error) {
    // Stopped mid-attempt: not counted as an attempt; the delivery is free for the next sender now.
    await releaseDeliveryLease(deps.db, delivery.id, delivery.leaseToken);
    throw error;
  }
  const at = now();
  const httpStatus = outcome.answered ? outcome.status : null;
  const delivered = outcome.answered && outcome.status >= 200 && outcome.status < 300;
  const gone = outcome.answered && outcome.status === 410;
  const delay = delivered || gone ? undefined : nextAttemptDelayMs(delivery.attempts + 1, outcome.answered ? outcome.retryAfterMs : undefined);
  const status: DeliveryAttemptRecord['status'] = delivered ? 'success' : delay === undefined ? 'failed' : 'pending';

  const recorded = await deps.db.transaction().execute(async (trx) => {
    const written = await recordDeliveryAttempt(trx, {
      id: delivery.id,
      leaseToken: delivery.leaseToken,
      at,
      status,
      httpStatus,
      responseBody: outcome.answered ? outcome.body : null,
      lastError: outcome.answered ? null : outcome.error,
      nextRetryAt: delay === undefined ? null : new Date(at.getTime() + delay),
    });
    if (!written) return false;
    if (delivered) {
      await markWebhookHealthy(trx, delivery.webhookId);
      return true;
    }
    // This side's fault (a secret it cannot open) says nothing about the endpoint: it is not counted towards disabling it.
    if (!outcome.answered && outcome.ours) return true;
    const failingSince = await markWebhookFailing(trx, delivery.webhookId, at);
    let reason: string | undefined;
    if (gone) reason = 'the endpoint answered 410 Gone';
    else if (failingSince && at.getTime() - failingSince.getTime() >= failingEndpointLimitMs) reason = 'every attempt failed for 5 days';
    if (reason !== undefined) {
      const disabled = await disableWebhookForFailures(trx, { webhookId: delivery.webhookId, at, reason });
      if (disabled) {
        await enqueueWebhookDeliveries(trx, disabled.orgId, 'webhook.disabled', {
          event: 'webhook.disabled',
          org_id: disabled.orgId,
          webhook_id: delivery.webhookId,
          url: disabled.url,
          reason,
        });
        deps.logger.warn({ webhookId: delivery.webhookId, orgId: disabled.orgId, reason }, 'webhook disabled');
      }
    }
    return true;
  });

  const log = { deliveryId: delivery.id, webhookId: delivery.webhookId, event: delivery.event, attempt: delivery.attempts + 1, status, httpStatus };
  if (!recorded) deps.logger.warn(log, 'webhook delivery lease lapsed before its outcome was recorded');
  else if (status === 'success') deps.logger.info(log, 'webhook delivered');
  else
    deps.logger.info(
      { ...log, error: outcome.answered ? undefined : outcome.error },
      status === 'failed' ? 'webhook delivery given up' : 'webhook delivery failed',
    );
  return { id: delivery.id, status, httpStatus, recorded };
}

async function send(deps: DeliverWebhooksDeps, delivery: ClaimedDelivery, timeoutMs: number, now: () => Date, signal?: AbortSignal): Promise<SendOutcome> {
  let secrets: string[];
  try {
    const context = webhookSecretContext(delivery.webhookId);
    secrets = [openSecret(delivery.storedSecret, deps.secretsKey, context)];
    if (delivery.storedPreviousSecret !== null) secrets.push(openSecret(delivery.storedPreviousSecret, deps.secretsKey, context));
  } catch (error) {
    // Nothing goes out unsigned: the attempt fails, and is tried again once the key is right.
    return { answered: false, error: (error as Error).message, ours: true };
  }
  const body = deliveryBody(delivery);
  const headers = webhookHeaders({ id: delivery.messageId, timestampS: Math.floor(now().getTime() / 1000), body }, secrets);
  return sendWebhook(delivery.url, { body, headers, policy: deps.policy, timeoutMs, signal });
}
