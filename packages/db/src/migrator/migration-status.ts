import type { Kysely } from 'kysely';
import type { ReadinessCheck } from '@fenta/core';
import { readMigrationFiles, type MigrationFile } from './migration-files';
import { readAppliedMigrations } from './applied-migrations';

/** How a database stands against the migration files of this build, by file name. */
export interface MigrationStatus {
  /** Files not applied yet. */
  pending: string[];
  /** Applied with a checksum the file no longer has (a landed migration was edited). */
  changed: string[];
  /** Recorded as applied but no such file here (the database is ahead of this build). */
  unknown: string[];
}

/**
 * Compares the database's record of applied migrations with the files, without
 * taking the migrator's lock or changing anything: safe to call on every probe.
 * A database never migrated has every file pending.
 */
export async function readMigrationStatus(db: Kysely<any>, options: { files?: MigrationFile[]; migrationsDir?: string } = {}): Promise<MigrationStatus> {
  const files = options.files ?? (await readMigrationFiles(options.migrationsDir));
  const applied = await readAppliedMigrations(db);
  const byName = new Map(files.map((file) => [file.name, file]));
  const landed = new Set(applied.map((row) => row.name));
  return {
    pending: files.filter((file) => !landed.has(file.name)).map((file) => file.name),
    changed: applied.filter((row) => byName.has(row.name) && byName.get(row.name)!.checksum !== row.checksum).map((row) => row.name),
    unknown: applied.filter((row) => !byName.has(row.name)).map((row) => row.name),
  };
}

/**
 * A readiness check that the database's migrations are current: `ok`, or
 * e.g. `pending: 00009_x.sql; changed: 00003_content.sql`. The files are
 * read once, on the first probe: they are part of the build.
 */
export function migrationsCheck(db: Kysely<any>, options: { migrationsDir?: string } = {}): ReadinessCheck {
  let files: Promise<MigrationFile[]> | undefined;
  const load = () =>
    (files ??= readMigrationFiles(options.migrationsDir).catch((error: unknown) => {
      // Not cached, so a transient read error does not stick.
      files = undefined;
      throw error;
    }));
  return async () => describeMigrationStatus(await readMigrationStatus(db, { files: await load() }));
}

/** `ok` when nothing is pending, changed or unknown; otherwise each list, e.g. `pending: 00009_x.sql, 00010_y.sql`. */
export function describeMigrationStatus(status: MigrationStatus): string {
  const parts = (['pending', 'changed', 'unknown'] as const).filter((kind) => status[kind].length > 0).map((kind) => `${kind}: ${status[kind].join(', ')}`);
  return parts.length === 0 ? 'ok' : parts.join('; ');
}
