import { lookup } from 'node:dns/promises';
import { checkAddress, isIpLiteral } from './address-policy';

/** Which webhook URLs are accepted. */
export interface WebhookUrlPolicy {
  /** Only https: (production); otherwise http: too. */
  requireHttps: boolean;
  /** Also hosts on this machine (127.0.0.0/8, ::1, localhost): FENTA_ALLOW_LOOPBACK_URLS, for development and tests. */
  allowLoopback: boolean;
}

/** Resolves a host name to every address it has. */
export type HostResolver = (host: string) => Promise<string[]>;

/**
 * The verdict on a webhook URL: accepted with the addresses its host has
 * now; refused (the reason says why); or not decidable now because the
 * resolver did not answer (`unavailable`: a later try may pass).
 */
export type WebhookUrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; unavailable: boolean; reason: string };

/** How long a name lookup may take before the check answers `unavailable`. */
export const webhookLookupTimeoutMs = 5_000;

/**
 * Checks a URL Fenta is asked to send webhooks to, by the address policy of
 * every outbound request made for a user: the host (a literal, or every
 * address its name resolves to, since a later resolution could pick any) must
 * be public unicast, never this machine, the local network, link-local
 * (cloud metadata), CGNAT, unique-local or an IPv6 form embedding an IPv4
 * address. The URL parser has already turned decimal, hex and short IPv4
 * forms (`http://2130706433`, `http://0x7f.1`) into dotted quads, and
 * IPv4-mapped IPv6 is judged as the IPv4 address it reaches.
 *
 * The delivery must check again when it connects, and connect to the
 * address it checked (DNS may answer differently by then).
 */
export async function checkWebhookUrl(
  raw: string,
  policy: WebhookUrlPolicy,
  resolve: HostResolver = lookupHost,
  timeoutMs = webhookLookupTimeoutMs,
): Promise<WebhookUrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && (policy.requireHttps || url.protocol !== 'http:')) {
    return refused(policy.requireHttps ? `it must use https, not ${url.protocol.slice(0, -1)}` : `scheme ${url.protocol.slice(0, -1)} is not http or https`);
  }
  // fetch() refuses URLs with credentials, so such a webhook could never be delivered.
  if (url.username !== '' || url.password !== '') return refused('it must not carry a user name or password (put a token in the path or query instead)');
  const host = url.hostname;
  if (host === '') return refused('it has no host');

  let addresses: string[];
  if (isIpLiteral(host)) {
    addresses = [host];
  } else {
    const resolved = await resolveWithin(resolve, host, timeoutMs);
    if ('unavailable' in resolved) return resolved;
    addresses = resolved.addresses;
  }
  if (addresses.length === 0) return refused(`${host} has no address`);
  for (const address of addresses) {
    const verdict = checkAddress(address, { allowLoopback: policy.allowLoopback });
    if (!verdict.allowed) {
      const judged = address === host ? verdict.address : `${host} resolves to ${verdict.address}, which`;
      return refused(`${judged} is not a public address (${verdict.addressClass})`);
    }
  }
  return { ok: true, url, addresses };
}

/** node:dns lookup, every address in the resolver's order (the system resolver: /etc/hosts, then DNS). */
export async function lookupHost(host: string): Promise<string[]> {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

const notFoundCodes = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

async function resolveWithin(
  resolve: HostResolver,
  host: string,
  timeoutMs: number,
): Promise<{ addresses: string[] } | { ok: false; unavailable: boolean; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
  });
  try {
    return { addresses: await Promise.race([resolve(host), timeout]) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (notFoundCodes.has(code)) return refused(`${host} does not resolve (${code})`);
    return { ok: false, unavailable: true, reason: `cannot resolve ${host} now (${code})` };
  } finally {
    clearTimeout(timer);
  }
}

function refused(reason: string): { ok: false; unavailable: false; reason: string } {
  return { ok: false, unavailable: false, reason };
}
