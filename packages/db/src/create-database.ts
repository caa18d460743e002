import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { redactUrl } from '@fenta/core';
import { databaseUnreachable } from './database-unreachable';
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
  /** Told when the server drops a connection of the pool (a restart, a failover); the pool opens a new one when needed. */
  onConnectionError?: (error: Error) => void;
}

/**
 * Opens a kysely instance on a pg pool. The caller owns it and must `destroy()` it.
 * A connection the pool cannot open fails as DB_UNREACHABLE wherever it is used.
 */
export function createDatabase<T = DB>(options: DatabaseOptions): Kysely<T> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'fenta',
  });
  // A connection the server drops emits 'error' on its client, and the pool re-emits it for an idle one;
  // without listeners either would crash the process. The query in flight, if any, is rejected anyway.
  pool.on('error', () => undefined);
  const watched = new WeakSet<pg.PoolClient>();
  const target = redactUrl(options.url);
  return new Kysely<T>({
    dialect: new PostgresDialect({
      pool: {
        connect: async () => {
          const client = await pool.connect().catch((cause: unknown) => {
            throw databaseUnreachable(target, cause);
          });
          if (!watched.has(client)) {
            watched.add(client);
            client.on('error', (error) => options.onConnectionError?.(error));
          }
          return client;
        },
        end: () => pool.end(),
      },
    }),
  });
}
