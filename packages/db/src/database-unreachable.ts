import { FentaError, isFentaError } from '@fenta/core';

// SQLSTATEs PostgreSQL sends when it drops or refuses a session (class 08, shutdown, too many connections).
const lostSessionStates = new Set(['57P01', '57P02', '57P03', '53300']);

// What `pg` itself rejects a query with when the socket under a session is gone.
const lostConnectionMessages = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/**
 * Whether an error means PostgreSQL could not be reached or dropped the
 * session, as opposed to a statement that failed: the first is worth a 503
 * and a retry, the second is a bug or bad input.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (isFentaError(error)) return error.code === 'DB_UNREACHABLE';
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || lostSessionStates.has(code))) return true;
  return typeof message === 'string' && lostConnectionMessages.includes(message);
}

/** DB_UNREACHABLE for a failure to reach `target` (a redacted URL), with the cause's reason. */
export function databaseUnreachable(target: string, cause: unknown): FentaError {
  return new FentaError('DB_UNREACHABLE', { target, reason: describeCause(cause) }, { cause });
}

// Duck-typed: errors from Node's own sockets may come from another realm (jest), where instanceof Error fails.
function describeCause(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { message, code } = cause as { message?: unknown; code?: unknown };
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : Object.prototype.toString.call(cause);
}
