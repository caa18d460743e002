export { errorCodes, type ErrorCode, type ErrorCodeDefinition } from './errors/error-codes';
export { FentaError, isFentaError, formatMessage, type ErrorParams } from './errors/fenta-error';
export {
  parseEnv,
  parseEnvParts,
  jsonVariableSchema,
  portSchema,
  optionalPortSchema,
  urlSchema,
  publicUrlSchema,
  logLevelSchema,
  booleanFlag,
} from './config/parse-env';
export { createLogger, redactUrl, redactingOptions, type Logger } from './logging/create-logger';
export { urlForMessages } from './logging/url-for-messages';
export { redactSecrets, redactUrlsIn, isSecretKey } from './logging/redact-secrets';
export { handleShutdownSignals, type ShutdownOptions } from './lifecycle/handle-shutdown';
export { issueApiKey, hashApiKey, looksLikeApiKey, type IssuedApiKey } from './security/api-key';
export { classifyAddress, checkAddress, isIpLiteral, type AddressClass, type AddressPolicy, type AddressVerdict } from './security/address-policy';
export { resolveAllowedAddress, type PinnedAddress } from './http/resolve-allowed-address';
export { requestPinned, pinnedRequestError, type PinnedRequestOptions, type PinnedResponse } from './http/request-pinned';
export { retryAfterMs } from './http/retry-after-ms';
export { checkWebhookUrl, lookupHost, webhookLookupTimeoutMs, type WebhookUrlPolicy, type WebhookUrlCheck, type HostResolver } from './security/webhook-url';
export { issueWebhookSecret, looksLikeWebhookSecret, webhookSecretContext } from './security/webhook-secret';
export { sealSecret, openSecret, isSealedSecret, secretsKeySchema } from './security/secret-box';
export { webhookSignature, webhookHeaders, type WebhookMessage } from './webhooks/sign-webhook';
export { webhookEvents, webhookTestEvent, isWebhookEvent, type WebhookEvent } from './webhooks/webhook-events';
export { apiScopes, orgRoles, scopesOfRole, isApiScope, isOrgRole, type ApiScope, type OrgRole } from './security/api-scopes';
export { nodeIdPattern, rowIdPattern, anyRowIdPattern, isNodeId, isRowId, quoteId } from './ids/id-grammar';
export { pathInside } from './ids/path-inside';
export { runReadinessChecks, defaultCheckTimeoutMs, type ReadinessCheck, type ReadinessReport } from './health/readiness-checks';
export { startHealthServer, type HealthServerOptions, type RunningHealthServer } from './health/start-health-server';
