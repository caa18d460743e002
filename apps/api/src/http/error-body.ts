import { errorCodes, type ErrorCode, type FentaError } from '@fenta/core';

/** The API's error body: `{ error: { code, message, details?, request_id } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; request_id: string };
}

/**
 * The body for `error`. A 5xx says only what its code means in general: its
 * message and details may carry internals (hosts, SQL, provider answers),
 * which stay in the server log under the same request id.
 */
export function errorBody(error: FentaError, requestId: string): ErrorBody {
  if (error.status >= 500) return { error: { code: error.code, message: errorCodes[error.code].description, request_id: requestId } };
  return { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }), request_id: requestId } };
}
