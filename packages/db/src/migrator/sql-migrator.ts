import { sql, type Kysely } from 'kysely';
import { FentaError } from '@fenta/core';
import { migrationTable, readAppliedMigrations } from './applied-migrations';
import { readMigrationFiles, type MigrationFile } from './migration-files';

/** What happened to one migration in a run. */
export interface MigrationResult {
  name: string;
  status: 'applied' | 'already-applied' | 'failed' | 'not-run';
  durationMs?: number;
}

/** The outcome of a run: a result per migration, and the error that stopped it, if any. */
export interface MigrationRunResult {
  results: MigrationResult[];
  error?: FentaError;
}

export interface MigrateOptions {
  migrationsDir?: string;
  /** Called after each migration is applied, for progress logs. */
  onApplied?: (result: MigrationResult) => void;
}

// Any constant works; it only has to be the same in every process that migrates.
const advisoryLockKey = 7_302_114_583;

/**
 * Applies the pending plain-SQL migrations in order, each in its own
 * transaction, under a session advisory lock so two processes starting at
 * once never race. A migration that already landed and whose file has since
 * changed stops the run before anything is applied. Returns a result per
 * migration instead of throwing half-way.
 */
export async function migrateToLatest(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrationRunResult> {
  const files = await readMigrationFiles(options.migrationsDir);
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${advisoryLockKey})`.execute(conn);
    try {
      await sql`
        CREATE TABLE IF NOT EXISTS ${sql.table(migrationTable)} (
          name text PRIMARY KEY,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now(),
          duration_ms integer NOT NULL
        )`.execute(conn);
      const applied = await readAppliedMigrations(conn);

      const problem = findDrift(files, applied);
      if (problem) {
        return { results: files.map((file) => ({ name: file.name, status: 'not-run' as const })), error: problem };
      }

      const landed = new Set(applied.map((row) => row.name));
      const results: MigrationResult[] = [];
      let error: FentaError | undefined;
      for (const file of files) {
        if (error) {
          results.push({ name: file.name, status: 'not-run' });
        } else if (landed.has(file.name)) {
          results.push({ name: file.name, status: 'already-applied' });
        } else {
          const outcome = await applyOne(conn, file);
          results.push(outcome.result);
          if (outcome.result.status === 'applied') options.onApplied?.(outcome.result);
          error = outcome.error;
        }
      }
      return { results, error };
    } finally {
      await sql`SELECT pg_advisory_unlock(${advisoryLockKey})`.execute(conn);
    }
  });
}

/** Like `migrateToLatest`, but throws the error that stopped the run. For start-up paths. */
export async function migrateOrThrow(db: Kysely<any>, options: MigrateOptions = {}): Promise<MigrationResult[]> {
  const run = await migrateToLatest(db, options);
  if (run.error) throw run.error;
  return run.results;
}

function findDrift(files: MigrationFile[], applied: { name: string; checksum: string }[]): FentaError | undefined {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of applied) {
    const file = byName.get(row.name);
    if (!file) return new FentaError('DB_MIGRATION_UNKNOWN', { name: row.name });
    if (file.checksum !== row.checksum) {
      return new FentaError('DB_MIGRATION_CHANGED', {
        name: row.name,
        applied: row.checksum.slice(0, 12),
        current: file.checksum.slice(0, 12),
      });
    }
  }
  return undefined;
}

async function applyOne(conn: Kysely<any>, file: MigrationFile): Promise<{ result: MigrationResult; error?: FentaError }> {
  const started = performance.now();
  try {
    await conn.transaction().execute(async (trx) => {
      // A raw query without parameters goes over the simple protocol, so one file may hold many statements.
      await sql.raw(file.sql).execute(trx);
      await trx
        .insertInto(migrationTable)
        .values({ name: file.name, checksum: file.checksum, duration_ms: Math.round(performance.now() - started) })
        .execute();
    });
    return { result: { name: file.name, status: 'applied', durationMs: Math.round(performance.now() - started) } };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return {
      result: { name: file.name, status: 'failed', durationMs: Math.round(performance.now() - started) },
      error: new FentaError('DB_MIGRATION_FAILED', { name: file.name, reason }, { cause }),
    };
  }
}
