import { isFentaError } from '@fenta/core';

// What ioredis rejects a command with when it has no connection to send it on, or (a fail-fast connection's
// command timeout) when Redis holds the connection but does not answer.
const lostConnectionMessages = ['Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false", 'Command timed out'];

/**
 * Whether an error means Redis could not be reached, as opposed to a command
 * Redis refused (a wrong type, a script error): the first is worth a 503 and
 * a retry. A connection made by `createRedisConnection` waits through an
 * outage instead of failing; these are what a closed or fail-fast one rejects with.
 */
export function isRedisUnreachable(error: unknown): boolean {
  if (isFentaError(error)) return error.code === 'REDIS_UNREACHABLE';
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'MaxRetriesPerRequestError' || (typeof message === 'string' && lostConnectionMessages.includes(message));
}
