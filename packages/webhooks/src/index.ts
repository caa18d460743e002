export { webhookRetryDelaysMs, nextAttemptDelayMs, maxRetryAfterMs } from './retry-schedule';
export { sendWebhook, responseBodyLimit, type SendOutcome, type SendWebhookOptions } from './send-webhook';
export { deliveryBody } from './delivery-body';
export {
  deliverDueWebhooks,
  deliveryTimeoutMs,
  failingEndpointLimitMs,
  type DeliverWebhooksDeps,
  type DeliverWebhooksOptions,
  type DeliveryResult,
} from './deliver-webhooks';
