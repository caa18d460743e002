// The address policy and urlForMessages live in @fenta/core (the API checks webhook URLs with them too); re-exported for the pipeline's callers.
export { classifyAddress, checkAddress, isIpLiteral, urlForMessages, type AddressClass, type AddressPolicy, type AddressVerdict } from '@fenta/core';
export { safeDownload, type SafeDownloadOptions, type SafeDownloadResult } from './safe-download';
export { fetchProviderJson, type ProviderJsonRequest } from './fetch-provider-json';
export { retryAfterMs } from './retry-after-ms';
