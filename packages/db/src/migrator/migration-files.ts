import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One plain SQL migration as found on disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations shipped with this package: `packages/db/migrations`, from both `src/` and `dist/`. */
export const defaultMigrationsDir = path.join(__dirname, '..', '..', 'migrations');

const migrationName = /^\d{5}_[a-z0-9_]+\.sql$/;

/** Reads `NNNNN_name.sql` files in order. Line endings are normalised so a checkout on Windows keeps the checksum. */
export async function readMigrationFiles(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((entry) => entry.endsWith('.sql')).sort();
  const misnamed = entries.filter((entry) => !migrationName.test(entry));
  if (misnamed.length > 0) {
    throw new Error(`Migration files must be named NNNNN_snake_case.sql: ${misnamed.join(', ')}`);
  }
  return Promise.all(
    entries.map(async (name) => {
      const sql = (await readFile(path.join(dir, name), 'utf8')).replace(/\r\n/g, '\n');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
