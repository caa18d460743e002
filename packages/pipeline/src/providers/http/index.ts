export { classifyAddress, checkAddress, isIpLiteral, type AddressClass, type AddressPolicy, type AddressVerdict } from './address-policy';
export { safeDownload, type SafeDownloadOptions, type SafeDownloadResult } from './safe-download';
export { fetchProviderJson, type ProviderJsonRequest } from './fetch-provider-json';
export { retryAfterMs } from './retry-after-ms';
export { urlForMessages } from './url-for-messages';
