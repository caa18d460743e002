import type { ErrorCode, ErrorParams } from '@fenta/core';

type Fix = (params: ErrorParams) => string;

/**
 * What an operator does about each code a `fenta` command meets, when the
 * place that failed did not say something more precise. A code missing here
 * points to its entry in docs/errors.md.
 */
const fixes: Partial<Record<ErrorCode, Fix>> = {
  CONFIG_INVALID: () => 'set each variable named to a valid value (the README lists them)',
  DB_UNREACHABLE: () => 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL accepts connections there',
  DB_MIGRATION_CHANGED: (p) => `restore ${p.name} as it was applied, and put the change in a new migration file`,
  DB_MIGRATION_UNKNOWN: (p) => `run the release that has ${p.name}, or restore the file`,
  DB_MIGRATION_FAILED: (p) => `correct the SQL of ${p.name} (nothing of it was applied) and run again`,
  REDIS_UNREACHABLE: () => 'check REDIS_URL and that Redis answers there',
  REDIS_EVICTION_POLICY: () => 'set maxmemory-policy to noeviction on that Redis (redis.conf, or CONFIG SET maxmemory-policy noeviction)',
  PORT_IN_USE: (p) => `stop what listens on ${p.host}:${p.port}, or set ${p.variable} to a free port`,
  STACK_NOT_RUNNING: () => 'start the stack with ./fenta up (in another terminal), or set FENTA_DATA_DIR to the data folder of a running one',
  STACK_ALREADY_RUNNING: () => 'stop that ./fenta up first, or set FENTA_DATA_DIR to another folder for a second stack',
  STACK_APP_EXITED: () => "see the app's log above for why it stopped",
  SERVICE_START_FAILED: () => "see the service's output below",
  CODEGEN_FAILED: () => "see kysely-codegen's output above",
  TEMPLATE_NOT_FOUND: () => "name a template that exists: a built-in one (tmpl_shorts_v1) or one of the org's",
  WORKFLOW_NOT_FOUND: () => 'name a workflow of this org',
  QUOTA_EXCEEDED: () => "raise the org's limits in quota_limits, or wait for the next period",
  JOB_CANCELLED: () => 'run the command again to render anew',
};

/** The usual fix for `code`. */
export function fixFor(code: ErrorCode, params: ErrorParams): string {
  return fixes[code]?.(params) ?? `see ${code} in docs/errors.md`;
}
