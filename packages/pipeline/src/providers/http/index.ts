// The address policy and urlForMessages live in @fenta/core (the API checks webhook URLs with them too); re-exported for the pipeline's callers.
export { classifyAddress, checkAddress, isIpLiteral, urlForMessages, type AddressClass, type AddressPolicy, type AddressVerdict } from '@fenta/core';
export { safeDownload, type SafeDownloadOptions, type SafeDownloadResult } from './safe-download';
export { fetchProviderJson, type ProviderJsonRequest } from './fetch-provider-json';
// retryAfterMs lives in @fenta/core beside the pinned request (webhook deliveries honour Retry-After too).
export { retryAfterMs } from '@fenta/core';
