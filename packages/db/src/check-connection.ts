import { sql, type Kysely } from 'kysely';
import { FentaError, redactUrl } from '@fenta/core';

/** Runs `SELECT 1`, turning a failure into DB_UNREACHABLE with the (redacted) target. */
export async function checkDatabaseConnection(db: Kysely<any>, url: string): Promise<void> {
  try {
    await sql`SELECT 1`.execute(db);
  } catch (cause) {
    throw new FentaError('DB_UNREACHABLE', { target: redactUrl(url), reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}
