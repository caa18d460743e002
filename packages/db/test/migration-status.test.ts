import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateToLatest, migrationsCheck, readMigrationFiles, readMigrationStatus } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

describe('readMigrationStatus', () => {
  let database: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-migration-status-'));
  });
  afterEach(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds every file pending on a database never migrated, without creating anything', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);');
    expect(await readMigrationStatus(database.db, { migrationsDir: dir })).toEqual({ pending: ['00001_a.sql', '00002_b.sql'], changed: [], unknown: [] });
    expect(await migrationsCheck(database.db, { migrationsDir: dir })()).toBe('pending: 00001_a.sql, 00002_b.sql');
    expect(await database.query(`SELECT to_regclass('fenta_migrations') AS present`)).toEqual([{ present: null }]);
  });

  it('names a file added since the last run as pending, an edited one as changed and a removed one as unknown', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);');
    expect((await migrateToLatest(database.db, { migrationsDir: dir })).error).toBeUndefined();
    expect(await readMigrationStatus(database.db, { migrationsDir: dir })).toEqual({ pending: [], changed: [], unknown: [] });
    expect(await migrationsCheck(database.db, { migrationsDir: dir })()).toBe('ok');

    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id bigint);');
    await rm(path.join(dir, '00002_b.sql'));
    await writeFile(path.join(dir, '00003_c.sql'), 'CREATE TABLE c (id int);');
    await writeFile(path.join(dir, '00004_d.sql'), 'CREATE TABLE d (id int);');
    expect(await readMigrationStatus(database.db, { migrationsDir: dir })).toEqual({
      pending: ['00003_c.sql', '00004_d.sql'],
      changed: ['00001_a.sql'],
      unknown: ['00002_b.sql'],
    });
    expect(await migrationsCheck(database.db, { migrationsDir: dir })()).toBe('pending: 00003_c.sql, 00004_d.sql; changed: 00001_a.sql; unknown: 00002_b.sql');
  });

  it('reads the files once per check, as part of the build', async () => {
    await writeFile(path.join(dir, '00001_a.sql'), 'CREATE TABLE a (id int);');
    const check = migrationsCheck(database.db, { migrationsDir: dir });
    expect(await check()).toBe('pending: 00001_a.sql');
    await writeFile(path.join(dir, '00002_b.sql'), 'CREATE TABLE b (id int);');
    expect(await check()).toBe('pending: 00001_a.sql');
  });
});

describe('readMigrationStatus on the shipped migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(() => database.drop());

  it('finds a migrated database current', async () => {
    expect(await readMigrationStatus(database.db)).toEqual({ pending: [], changed: [], unknown: [] });
    expect(await readMigrationStatus(database.db, { files: await readMigrationFiles() })).toEqual({ pending: [], changed: [], unknown: [] });
  });
});
