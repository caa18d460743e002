import { randomBytes } from 'node:crypto';

/**
 * A webhook's signing secret in the Standard Webhooks format: `whsec_` and
 * the base64 of 32 random bytes (the format allows 24 to 64). Fenta makes it,
 * so every endpoint has a key of full strength; the owner sees it once.
 */
export function issueWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const secretPattern = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** True when `secret` has the shape of a secret this code issues. */
export function looksLikeWebhookSecret(secret: string): boolean {
  return secretPattern.test(secret);
}

/** What a webhook's sealed secret is bound to (see sealSecret): its row, so a sealed value copied to another webhook does not open. */
export function webhookSecretContext(webhookId: string): string {
  return `webhooks.secret:${webhookId}`;
}
