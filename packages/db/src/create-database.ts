import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema/tables';

// Postgres BIGINT (int8) and NUMERIC come back as strings by default; counts and
// byte sizes in Fenta fit a JS number, so parse int8. NUMERIC stays a string to keep money exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  /** Name shown in pg_stat_activity, e.g. the service. */
  applicationName?: string;
}

/** Opens a kysely instance on a pg pool. The caller owns it and must `destroy()` it. */
export function createDatabase<T = DB>(options: DatabaseOptions): Kysely<T> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'fenta',
  });
  return new Kysely<T>({ dialect: new PostgresDialect({ pool }) });
}
