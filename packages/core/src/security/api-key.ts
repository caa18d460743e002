import { createHash, randomBytes } from 'node:crypto';

/** A freshly issued API key: `key` is shown once to its owner; only `hash` and `prefix` are stored. */
export interface IssuedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

const keyPattern = /^fenta_[A-Za-z0-9_-]{43}$/;

/**
 * Issues a key of 256 random bits. The stored hash is SHA-256, not a slow
 * password hash: the key is random, not guessable, so a fast hash is as safe
 * and lets the API find a key by an indexed equality lookup.
 */
export function issueApiKey(): IssuedApiKey {
  const key = `fenta_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 14), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True when `key` has the shape of a key this code issues (checked before any lookup). */
export function looksLikeApiKey(key: string): boolean {
  return keyPattern.test(key);
}
