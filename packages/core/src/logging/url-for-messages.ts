/**
 * A URL as it may appear in logs and error messages: scheme, host and path
 * only. Query strings carry API keys (Pixabay's `key=`) and signed tokens,
 * and user info carries passwords, so neither is ever shown.
 */
export function urlForMessages(url: URL | string): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[unparseable url]';
  }
}
