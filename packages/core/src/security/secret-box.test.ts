import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isSealedSecret, openSecret, sealSecret, secretsKeySchema } from './secret-box';
import { issueWebhookSecret, looksLikeWebhookSecret } from './webhook-secret';

describe('secrets sealed at rest', () => {
  const key = randomBytes(32);
  const context = 'webhooks.secret:hook_1';

  it('seals a secret so that it opens only under its key and for its context', () => {
    const secret = issueWebhookSecret();
    const sealed = sealSecret(secret, key, context);
    expect(isSealedSecret(sealed)).toBe(true);
    expect(sealed).not.toContain(secret.slice(6));
    expect(sealed.length).toBeLessThanOrEqual(255);
    expect(openSecret(sealed, key, context)).toBe(secret);
    expect(sealSecret(secret, key, context)).not.toBe(sealed);
    expect(() => openSecret(sealed, randomBytes(32), context)).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
    expect(() => openSecret(sealed, key, 'webhooks.secret:hook_2')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
    expect(() => openSecret(sealed, undefined, context)).toThrow(
      expect.objectContaining({ code: 'SECRET_UNREADABLE', message: 'A stored secret cannot be opened: it is sealed and FENTA_SECRETS_KEY is not set' }),
    );
    expect(() => openSecret('sealed:v1:abc', key, context)).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
  });

  it('returns a value stored before a key was set as it is', () => {
    expect(openSecret('whsec_plain', key, context)).toBe('whsec_plain');
    expect(openSecret('whsec_plain', undefined, context)).toBe('whsec_plain');
  });

  it('reads FENTA_SECRETS_KEY as 32 bytes of base64 or hex, and refuses anything else', () => {
    const schema = z.object({ FENTA_SECRETS_KEY: secretsKeySchema });
    expect(schema.parse({ FENTA_SECRETS_KEY: key.toString('base64') }).FENTA_SECRETS_KEY).toEqual(key);
    expect(schema.parse({ FENTA_SECRETS_KEY: key.toString('hex') }).FENTA_SECRETS_KEY).toEqual(key);
    expect(schema.parse({}).FENTA_SECRETS_KEY).toBeUndefined();
    for (const bad of ['short', randomBytes(16).toString('base64'), `${key.toString('hex')}00`]) {
      expect(schema.safeParse({ FENTA_SECRETS_KEY: bad }).error?.issues[0]?.message).toBe(
        'must be 32 bytes, as base64 (openssl rand -base64 32) or 64 hex digits',
      );
    }
  });

  it('issues webhook secrets in the Standard Webhooks format, each new', () => {
    const secret = issueWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(looksLikeWebhookSecret(secret)).toBe(true);
    expect(issueWebhookSecret()).not.toBe(secret);
  });
});
