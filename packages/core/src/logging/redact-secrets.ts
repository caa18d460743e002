/**
 * Secrets never reach a log line, wherever they sit in what is logged: under
 * a key that names a secret (any case, any depth: `headers.Authorization`,
 * `config.openaiApiKey`), as a URL's password, or as a secret-looking query
 * parameter of a URL inside any string (a provider URL with `key=…`, a
 * presigned S3 URL's signature), the message itself included.
 */

export const redactedValue = '[redacted]';

// Keys whose values are secrets: passwords, tokens (`accessToken`, not `promptTokens`), API keys,
// cookies, credentials, signatures, connection URLs.
const secretKey =
  /pass(word|wd)|secret|token$|api[-_]?key|^(proxy-)?auth(orization)?$|cookie|credential|private[-_]?key|access[-_]?key|signature|database[-_]?url|redis[-_]?url/i;
// Query parameters that carry secrets besides those: Pixabay's `key`, presigned URLs' parts.
const secretParam = /^(key|sig|x-amz-credential|x-amz-security-token|x-amz-signature|code)$/i;
const urlPattern = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const maxDepth = 8;

/** Whether a key names a secret. */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** `text` with every URL's password and secret query parameters replaced. */
export function redactUrlsIn(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(urlPattern, (match) => {
    let url: URL;
    try {
      url = new URL(match);
    } catch {
      return match;
    }
    let changed = false;
    if (url.password) {
      url.password = '***';
      changed = true;
    }
    for (const name of [...url.searchParams.keys()]) {
      if (secretParam.test(name) || secretKey.test(name)) {
        url.searchParams.set(name, redactedValue);
        changed = true;
      }
    }
    return changed ? url.toString() : match;
  });
}

/**
 * A copy of `value` fit for a log line. Errors are kept as they are (the
 * logger's serializer reads them; Fenta's error messages never carry
 * secrets), and so are buffers; everything else is copied with secrets
 * replaced, down to a bounded depth.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactUrlsIn(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error || Buffer.isBuffer(value) || value instanceof Date) return value;
  if (seen.has(value) || depth >= maxDepth) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) && item !== undefined && item !== null && item !== '' ? redactedValue : redactSecrets(item, depth + 1, seen);
  }
  return copy;
}
