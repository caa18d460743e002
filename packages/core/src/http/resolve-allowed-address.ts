import { lookup } from 'node:dns/promises';
import { FentaError } from '../errors/fenta-error';
import { urlForMessages } from '../logging/url-for-messages';
import { checkAddress, isIpLiteral, type AddressPolicy } from '../security/address-policy';

/** An address that passed the policy, to connect to instead of resolving the name again. */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and checks every address it resolves to: one
 * refused address refuses the URL, since a later resolution could return it.
 * URL_NOT_ALLOWED names the address and its class; a name that does not
 * resolve is PROVIDER_ERROR for `provider` (the source named in messages).
 */
export async function resolveAllowedAddress(url: URL, policy: AddressPolicy, provider: string): Promise<PinnedAddress> {
  const host = url.hostname;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const addresses = isIpLiteral(host) ? [host] : await resolveName(host, provider);
  let pinned: PinnedAddress | undefined;
  for (const address of addresses) {
    const verdict = checkAddress(address, policy, port);
    if (!verdict.allowed) {
      const via = address === host ? '' : `${host} resolves to `;
      throw new FentaError('URL_NOT_ALLOWED', {
        url: urlForMessages(url),
        reason: `${via}${verdict.address}, a ${verdict.addressClass} address`,
      });
    }
    pinned ??= { address: verdict.address, family: verdict.family };
  }
  if (!pinned) throw new FentaError('PROVIDER_ERROR', { provider, status: 'dns-failed', reason: `${host} has no address` });
  return pinned;
}

async function resolveName(host: string, provider: string): Promise<string[]> {
  try {
    const results = await lookup(host, { all: true, verbatim: true });
    return results.map((result) => result.address);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    // EAI_AGAIN is a resolver hiccup worth retrying; ENOTFOUND is not.
    const status = code === 'EAI_AGAIN' ? 'connection-failed' : 'dns-failed';
    throw new FentaError('PROVIDER_ERROR', { provider, status, reason: `cannot resolve ${host} (${code})` }, { cause: error });
  }
}
