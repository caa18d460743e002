import { createHmac } from 'node:crypto';

/** What a delivery is signed over, per the Standard Webhooks specification. */
export interface WebhookMessage {
  /** The message id (`webhook-id`): the same for every attempt of an event, so receivers can drop repeats. */
  id: string;
  /** When this attempt was signed, in whole seconds since the epoch (`webhook-timestamp`). */
  timestampS: number;
  /** The exact bytes sent as the request body. */
  body: string;
}

/**
 * One `v1,<signature>` entry: the base64 HMAC-SHA256 of `id.timestamp.body`
 * keyed with the secret's bytes (a `whsec_` secret is base64 after its prefix).
 */
export function webhookSignature(secret: string, message: WebhookMessage): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${message.id}.${message.timestampS}.${message.body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * The three Standard Webhooks headers for `message`, signed with every
 * secret given (the current one and, while a rotation is under way, the
 * previous one), space-separated as the specification lists several
 * signatures: a receiver holding either secret verifies the delivery.
 */
export function webhookHeaders(message: WebhookMessage, secrets: readonly string[]): Record<string, string> {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(message.timestampS),
    'webhook-signature': secrets.map((secret) => webhookSignature(secret, message)).join(' '),
  };
}
