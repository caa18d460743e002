import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, migrateToLatest, readMigrationFiles } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

describe('migrateToLatest with the shipped migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(() => database.drop());

  it('applies every migration to an empty database, and a second run changes nothing', async () => {
    const files = await readMigrationFiles();
    expect(files.length).toBeGreaterThanOrEqual(8);

    const first = await migrateToLatest(database.db);
    expect(first.error).toBeUndefined();
    expect(first.results.map((r) => [r.name, r.status])).toEqual(files.map((f) => [f.name, 'applied']));

    const schemaBefore = await schemaFingerprint(database);
    const second = await migrateToLatest(database.db);
    expect(second.error).toBeUndefined();
    expect(second.results.map((r) => r.status)).toEqual(files.map(() => 'already-applied'));
    expect(await schemaFingerprint(database)).toEqual(schemaBefore);

    const recorded = await database.query<{ name: string; checksum: string }>('SELECT name, checksum FROM fenta_migrations ORDER BY name');
    expect(recorded).toEqual(files.map((f) => ({ name: f.name, checksum: f.checksum })));
  });
});

describe('migrateToLatest mechanics', () => {
  let database: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-migrations-'));
  });
  afterEach(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to run when a landed migration was edited, before applying anything new', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    expect((await migrateToLatest(database.db, { migrationsDir: dir })).error).toBeUndefined();

    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id bigint);');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);');
    const run = await migrateToLatest(database.db, { migrationsDir: dir });
    expect(run.error?.code).toBe('DB_MIGRATION_CHANGED');
    expect(run.error?.message).toMatch(/^Migration 00001_a\.sql was applied with checksum [0-9a-f]{12} but the file now has checksum [0-9a-f]{12}$/);
    expect(run.results.map((r) => r.status)).toEqual(['not-run', 'not-run']);
    expect(await tables(database)).toEqual(['a', 'fenta_migrations']);
  });

  it('refuses to run when the database records a migration this code does not have', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    await migrateToLatest(database.db, { migrationsDir: dir });
    await rm(path.join(dir, '00001_a.sql'));
    const run = await migrateToLatest(database.db, { migrationsDir: dir });
    expect(run.error?.code).toBe('DB_MIGRATION_UNKNOWN');
  });

  it('rolls back a failing migration whole and stops before the next one', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);\nSELECT no_such_function();');
    await writeFile(path.join(dir, '00003_c.sql'), 'CREATE TABLE c (id int);');
    const run = await migrateToLatest(database.db, { migrationsDir: dir });
    expect(run.error?.code).toBe('DB_MIGRATION_FAILED');
    expect(run.error?.message).toContain('00002_b.sql');
    expect(run.error?.message).toContain('no_such_function');
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ['00001_a.sql', 'applied'],
      ['00002_b.sql', 'failed'],
      ['00003_c.sql', 'not-run'],
    ]);
    expect(await tables(database)).toEqual(['a', 'fenta_migrations']);
    const recorded = await database.query<{ name: string }>('SELECT name FROM fenta_migrations');
    expect(recorded).toEqual([{ name: '00001_a.sql' }]);
  });

  it('lets two processes start at once without applying anything twice', async () => {
    // pg_sleep makes the first migration slow enough that both runs overlap.
    await writeFile(path.join(dir, '00001_a.sql'), 'SELECT pg_sleep(0.3); CREATE TABLE a (id int);');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);');
    const other = createDatabase<any>({ url: database.url, poolSize: 2 });
    try {
      const [one, two] = await Promise.all([migrateToLatest(database.db, { migrationsDir: dir }), migrateToLatest(other, { migrationsDir: dir })]);
      expect(one.error).toBeUndefined();
      expect(two.error).toBeUndefined();
      const statuses = [...one.results, ...two.results].map((r) => r.status).sort();
      expect(statuses).toEqual(['already-applied', 'already-applied', 'applied', 'applied']);
    } finally {
      await other.destroy();
    }
  });

  it('rejects a misnamed migration file', async () => {
    await writeFile(path.join(dir, 'add_table.sql'), 'SELECT 1;');
    await expect(migrateToLatest(database.db, { migrationsDir: dir })).rejects.toThrow('Migration files must be named NNNNN_snake_case.sql: add_table.sql');
  });
});

async function tables(database: TestDatabase): Promise<string[]> {
  const rows = await database.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function schemaFingerprint(database: TestDatabase): Promise<unknown[]> {
  return database.query(`
    SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public'
    ORDER BY c.relname, a.attname`);
}
