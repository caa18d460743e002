/**
 * The one grammar of the ids that reach a file path, a storage key, a Redis
 * key or a log line. Anything else is refused where it enters (graph
 * validation, the database's CHECK constraints) and again where a path is
 * built, so a hostile id can never name a folder outside its root.
 */

/** A graph node id (and an edge id): letters, digits, `_` and `-`, 1 to 64 of them. */
export const nodeIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** A row id: its table's prefix, `_`, then 1 to 100 letters, digits, `_` or `-` (`job_0192…`, `org_demo`). */
export function rowIdPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,100}$`);
}

/** Any row id, whatever its table: a lowercase prefix, then the row id grammar. */
export const anyRowIdPattern = /^[a-z]{1,16}_[A-Za-z0-9_-]{1,100}$/;

export function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && nodeIdPattern.test(value);
}

export function isRowId(value: unknown, prefix?: string): value is string {
  return typeof value === 'string' && (prefix ? rowIdPattern(prefix) : anyRowIdPattern).test(value);
}

/** An id as it may appear in a message: quoted, control characters escaped, long ones cut. */
export function quoteId(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(cut);
}
