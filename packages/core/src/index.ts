export { errorCodes, type ErrorCode, type ErrorCodeDefinition } from './errors/error-codes';
export { FentaError, isFentaError, formatMessage, type ErrorParams } from './errors/fenta-error';
export { parseEnv, portSchema, urlSchema, logLevelSchema } from './config/parse-env';
export { createLogger, redactUrl, redactedPaths, type Logger } from './logging/create-logger';
export { handleShutdownSignals, type ShutdownOptions } from './lifecycle/handle-shutdown';
export { issueApiKey, hashApiKey, looksLikeApiKey, type IssuedApiKey } from './security/api-key';
export { nodeIdPattern, rowIdPattern, anyRowIdPattern, isNodeId, isRowId, quoteId } from './ids/id-grammar';
export { pathInside } from './ids/path-inside';
