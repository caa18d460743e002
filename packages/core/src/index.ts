export { errorCodes, type ErrorCode, type ErrorCodeDefinition } from './errors/error-codes';
export { FentaError, isFentaError, formatMessage, type ErrorParams } from './errors/fenta-error';
export { parseEnv, portSchema, optionalPortSchema, urlSchema, logLevelSchema } from './config/parse-env';
export { createLogger, redactUrl, redactedPaths, type Logger } from './logging/create-logger';
export { handleShutdownSignals, type ShutdownOptions } from './lifecycle/handle-shutdown';
export { issueApiKey, hashApiKey, looksLikeApiKey, type IssuedApiKey } from './security/api-key';
export { runReadinessChecks, defaultCheckTimeoutMs, type ReadinessCheck, type ReadinessReport } from './health/readiness-checks';
export { startHealthServer, type HealthServerOptions, type RunningHealthServer } from './health/start-health-server';
