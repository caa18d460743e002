import type { FastifyError, FastifyRequest } from 'fastify';
import { FentaError, isFentaError } from '@fenta/core';
import { databaseUnreachable, isDatabaseUnreachable } from '@fenta/db';
import { isRedisUnreachable } from '@fenta/queue';
import { validationProblems } from './validation-problems';

/**
 * The registry error the API answers with for anything a request raised:
 * Fenta's own errors as they are; Fastify's 4xx errors (and any other error
 * carrying a 4xx status) as a REQUEST_* code, never as Fastify's FST_ code; a
 * lost PostgreSQL or Redis as 503; everything else as INTERNAL.
 */
export function toFentaError(error: unknown, request: FastifyRequest): FentaError {
  if (isFentaError(error)) return error;
  if (isDatabaseUnreachable(error)) return databaseUnreachable('the connected server', error);
  if (isRedisUnreachable(error)) return new FentaError('REDIS_UNREACHABLE', { target: 'the connected server', reason: reasonOf(error) }, { cause: error });
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) return fromClientError(error as FastifyError, status, request);
  return new FentaError('INTERNAL', {}, { cause: error });
}

function fromClientError(error: FastifyError, status: number, request: FastifyRequest): FentaError {
  const url = shown(request.url.split('?')[0] ?? '');
  if (error.validation) {
    const location = error.validationContext ?? 'body';
    // No body and no content type reaches the schema as `undefined`: the body is missing, not wrong.
    if (location === 'body' && request.body === undefined) return new FentaError('REQUEST_BODY_EMPTY', { method: request.method, url }, { cause: error });
    const problems = validationProblems(location, error.validation);
    return new FentaError(
      'REQUEST_INVALID',
      { reason: problems.map((problem) => `${problem.path} ${problem.message}`).join('; ') },
      { details: { problems }, cause: error },
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new FentaError('REQUEST_BODY_MALFORMED', { reason: 'it is not valid JSON' }, { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FentaError('REQUEST_BODY_MALFORMED', { reason: 'its length does not match Content-Length' }, { cause: error });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new FentaError('REQUEST_BODY_EMPTY', { method: request.method, url }, { cause: error });
    case 'FST_ERR_BAD_URL':
      return new FentaError('REQUEST_URL_INVALID', { url }, { cause: error });
  }
  switch (status) {
    case 404:
      return new FentaError('NOT_FOUND', { method: request.method, url }, { cause: error });
    case 408:
      return new FentaError('REQUEST_TIMEOUT', {}, { cause: error });
    case 413: {
      const limitBytes = request.routeOptions.bodyLimit;
      return new FentaError('REQUEST_TOO_LARGE', { limitBytes }, { details: { limit_bytes: limitBytes }, cause: error });
    }
    case 414:
      return new FentaError('REQUEST_URL_TOO_LONG', { url }, { cause: error });
    case 415:
      return new FentaError('REQUEST_CONTENT_TYPE_UNSUPPORTED', { contentType: shown(request.headers['content-type'] ?? '(none)') }, { cause: error });
    case 431:
      return new FentaError('REQUEST_HEADERS_TOO_LARGE', {}, { cause: error });
    default:
      // A 4xx without a code of its own (a plugin's 401, 405, 429…): its message is meant for the client.
      return new FentaError('REQUEST_INVALID', { reason: shown(error.message) }, { cause: error });
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof status === 'number' ? status : undefined;
}

function reasonOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as { message: string }).message
    : String(error);
}

// What a client sent is echoed back at most this long: a 414 or a junk header must not double in the answer.
function shown(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
