/**
 * The one registry of Fenta's error codes. Every error that crosses a process
 * boundary (HTTP body, job error, CLI exit) carries one of these codes.
 * `message` is a template: `{name}` is replaced by the error's params.
 */
export const errorCodes = {
  CONFIG_INVALID: {
    status: 500,
    message: 'Configuration is invalid: {problems}',
    description: 'An environment variable is missing or malformed; the message names each one and what to fix.',
  },
  DB_MIGRATION_CHANGED: {
    status: 500,
    message: 'Migration {name} was applied with checksum {applied} but the file now has checksum {current}',
    description: 'A migration that already landed was edited. Landed migrations are frozen: add a new one instead.',
  },
  DB_MIGRATION_UNKNOWN: {
    status: 500,
    message: 'Migration {name} is recorded as applied but no such file exists',
    description: 'The database is ahead of this code (a newer release migrated it) or a migration file was removed.',
  },
  DB_MIGRATION_FAILED: {
    status: 500,
    message: 'Migration {name} failed: {reason}',
    description: 'A migration raised an error; its transaction was rolled back and later migrations were not run.',
  },
  DB_UNREACHABLE: {
    status: 503,
    message: 'PostgreSQL at {target} is unreachable: {reason}',
    description: 'The database did not accept a connection.',
  },
  REDIS_UNREACHABLE: {
    status: 503,
    message: 'Redis at {target} is unreachable: {reason}',
    description: 'Redis did not answer.',
  },
  REDIS_EVICTION_POLICY: {
    status: 500,
    message: 'Redis maxmemory-policy is "{policy}"; queues need "noeviction" or Redis may silently drop jobs',
    description: 'Redis is configured to evict keys under memory pressure, which would lose queued jobs.',
  },
  PORT_IN_USE: {
    status: 500,
    message: 'Port {port} on {host} is already in use ({service}); set {variable} to a free port',
    description: 'A service Fenta starts could not bind its port.',
  },
  BOARD_UNAUTHORIZED: {
    status: 401,
    message: 'Bull Board needs the operator password (HTTP basic auth, user "operator")',
    description: 'The queue dashboard was requested without the right credentials.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'No route {method} {url}',
    description: 'The requested route does not exist.',
  },
  INTERNAL: {
    status: 500,
    message: 'Internal error',
    description: 'An unexpected failure; details are in the server log, never in the response.',
  },
} as const satisfies Record<string, ErrorCodeDefinition>;

/** What a code must define: an HTTP status, a message template and a description for the docs. */
export interface ErrorCodeDefinition {
  status: number;
  message: string;
  description: string;
}

export type ErrorCode = keyof typeof errorCodes;
