import { sql, type Kysely } from 'kysely';

/** The table that records which migrations landed, and with what content. */
export const migrationTable = 'fenta_migrations';

/** The migrations recorded as applied, in name order; none when the table does not exist yet. */
export async function readAppliedMigrations(db: Kysely<any>): Promise<{ name: string; checksum: string }[]> {
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${migrationTable}) IS NOT NULL AS present`.execute(db);
  if (!rows[0]?.present) return [];
  return db.selectFrom(migrationTable).select(['name', 'checksum']).orderBy('name').execute();
}
