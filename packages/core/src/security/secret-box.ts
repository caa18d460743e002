import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FentaError } from '../errors/fenta-error';

/**
 * Secrets Fenta must read back (a webhook's signing key) sealed at rest with
 * AES-256-GCM under a key from configuration (FENTA_SECRETS_KEY), so a copy
 * of the database (a backup, a replica, a leaked dump) does not hand out the
 * keys. `context` is bound to the ciphertext as associated data (e.g. the
 * row's table, column and id): a sealed value copied into another row does
 * not open there.
 *
 * Stored form: `sealed:v1:<iv>:<ciphertext and tag>`, base64url parts. A
 * value without that prefix was stored before a key was configured and is
 * returned as it is.
 */

const prefix = 'sealed:v1:';
const ivBytes = 12;
const tagBytes = 16;

/** FENTA_SECRETS_KEY: 32 bytes as base64 (`openssl rand -base64 32`) or as 64 hex digits; unset leaves secrets unsealed. */
export const secretsKeySchema = z
  .string()
  .optional()
  .transform((value, context): Buffer | undefined => {
    if (value === undefined || value === '') return undefined;
    const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : undefined;
    if (key?.length !== 32) {
      context.addIssue({ code: 'custom', message: 'must be 32 bytes, as base64 (openssl rand -base64 32) or 64 hex digits' });
      return z.NEVER;
    }
    return key;
  });

/** Seals `plain` under `key` for `context`. */
export function sealSecret(plain: string, key: Buffer, context: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${prefix}${iv.toString('base64url')}:${sealed.toString('base64url')}`;
}

export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(prefix);
}

/**
 * The secret a stored value holds: opened under `key` for `context` when it
 * is sealed, as it is otherwise. A sealed value without a key, under another
 * key or for another context is SECRET_UNREADABLE, never a wrong secret.
 */
export function openSecret(stored: string, key: Buffer | undefined, context: string): string {
  if (!isSealedSecret(stored)) return stored;
  if (!key) throw new FentaError('SECRET_UNREADABLE', { reason: 'it is sealed and FENTA_SECRETS_KEY is not set' });
  const [ivPart, sealedPart] = stored.slice(prefix.length).split(':');
  const iv = Buffer.from(ivPart ?? '', 'base64url');
  const sealed = Buffer.from(sealedPart ?? '', 'base64url');
  if (iv.length !== ivBytes || sealed.length < tagBytes) throw new FentaError('SECRET_UNREADABLE', { reason: 'the sealed value is malformed' });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new FentaError('SECRET_UNREADABLE', { reason: 'it was sealed under another key or for another row' }, { cause: error });
  }
}
