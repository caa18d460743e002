/**
 * The events a webhook can subscribe to: what a subscription is checked
 * against, and the names the system emits (jobs' outbox, the scheduler).
 */
export const webhookEvents = ['render.succeeded', 'render.failed', 'workflow.run.finished', 'job.progress', 'schedule.skipped'] as const;

export type WebhookEvent = (typeof webhookEvents)[number];

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === 'string' && (webhookEvents as readonly string[]).includes(value);
}
