/**
 * The events a webhook can subscribe to: what a subscription is checked
 * against, and the names the system emits (jobs' outbox, the scheduler, the
 * sender when it disables an endpoint).
 */
export const webhookEvents = [
  'render.succeeded',
  'render.preview_ready',
  'render.failed',
  'workflow.run.finished',
  'job.progress',
  'schedule.skipped',
  'webhook.disabled',
] as const;

export type WebhookEvent = (typeof webhookEvents)[number];

/** What `POST /v1/webhooks/:id/test` sends: delivered to that endpoint whatever it subscribes to. */
export const webhookTestEvent = 'webhook.test';

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === 'string' && (webhookEvents as readonly string[]).includes(value);
}
