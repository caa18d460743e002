import { sql, type Kysely } from 'kysely';
import { isFentaError, redactUrl, type ReadinessCheck } from '@fenta/core';
import { databaseUnreachable } from './database-unreachable';

/** Runs `SELECT 1`, turning a failure into DB_UNREACHABLE with the (redacted) target. */
export async function checkDatabaseConnection(db: Kysely<any>, url: string): Promise<void> {
  try {
    await sql`SELECT 1`.execute(db);
  } catch (cause) {
    if (isFentaError(cause) && cause.code === 'DB_UNREACHABLE') throw cause;
    throw databaseUnreachable(redactUrl(url), cause);
  }
}

/** A readiness check that PostgreSQL answers `SELECT 1`. */
export function postgresCheck(db: Kysely<any>): ReadinessCheck {
  return async () => {
    await sql`SELECT 1`.execute(db);
  };
}
