import { redactUrl } from '@fenta/core';
import { readMigrationFiles, type MigrationFile } from '@fenta/db';
import { findFreePort } from '@fenta/local-services';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { runCli } from './run-command';

const urlFix = 'set DATABASE_URL to the database to migrate, e.g. postgres://user:password@host:5432/fenta';

/** The messages of the JSON log lines `migrate` printed on stdout, after checking every line is its own. */
function logMessages(stdout: string): string[] {
  const lines = stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { level: number; service: string; msg: string });
  expect(lines.filter((line) => line.service !== 'migrate' || line.level !== 30)).toEqual([]);
  return lines.map((line) => line.msg);
}

/** `./fenta migrate` (as `node infra/dist/main.js migrate`) against a throwaway database. */
describe('fenta migrate', () => {
  let database: TestDatabase;
  let files: MigrationFile[];

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    files = await readMigrationFiles();
  });
  afterAll(() => database.drop());

  it('applies every pending migration with a line each and a summary; a second run applies nothing; an edited landed migration stops it', async () => {
    const target = redactUrl(database.url);
    const first = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(logMessages(first.stdout)).toEqual([
      `migrating ${target}`,
      ...files.map((file) => `applied ${file.name}`),
      `applied ${files.length} migrations, 0 already applied before`,
    ]);
    expect(await database.query('SELECT name, checksum FROM fenta_migrations ORDER BY name')).toEqual(files.map(({ name, checksum }) => ({ name, checksum })));

    const second = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(logMessages(second.stdout)).toEqual([`migrating ${target}`, `nothing to apply: all ${files.length} migrations were already applied`]);

    // What an edited file looks like from the database: the checksum recorded when it landed differs.
    const [landed] = files;
    await database.query(`UPDATE fenta_migrations SET checksum = repeat('0', 64) WHERE name = $1`, [landed!.name]);
    const edited = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect({ code: edited.code, stderr: edited.stderr }).toEqual({
      code: 1,
      stderr: `fenta migrate: DB_MIGRATION_CHANGED: Migration ${landed!.name} was applied with checksum 000000000000 but the file now has checksum ${landed!.checksum.slice(0, 12)} — fix: restore ${landed!.name} as it was applied, and put the change in a new migration file\n`,
    });
    expect(logMessages(edited.stdout)).toEqual([`migrating ${target}`]);
  });

  it('requires DATABASE_URL', async () => {
    expect(await runCli(['migrate'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta migrate: CONFIG_INVALID: Configuration is invalid: DATABASE_URL: is required — fix: ${urlFix}\n`,
    });
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL', async () => {
    expect(await runCli(['migrate'], { DATABASE_URL: 'mysql://root@127.0.0.1/fenta' })).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta migrate: CONFIG_INVALID: Configuration is invalid: DATABASE_URL: must be a URL starting with postgres:// or postgresql:// — fix: ${urlFix}\n`,
    });
  });

  it('says so when the database is unreachable', async () => {
    const port = await findFreePort();
    const url = `postgres://fenta:secret@127.0.0.1:${port}/fenta`;
    expect(await runCli(['migrate'], { DATABASE_URL: url })).toEqual({
      code: 1,
      stdout: '',
      stderr: `fenta migrate: DB_UNREACHABLE: PostgreSQL at postgres://fenta:***@127.0.0.1:${port}/fenta is unreachable: connect ECONNREFUSED 127.0.0.1:${port} — fix: check DATABASE_URL (host, port, user, password, database) and that PostgreSQL accepts connections there\n`,
    });
  });

  it('takes no arguments', async () => {
    expect(await runCli(['migrate', '--dry-run'], { DATABASE_URL: database.url })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'fenta migrate: CLI_USAGE: unknown option --dry-run — fix: run DATABASE_URL=postgres://… ./fenta migrate\n',
    });
  });
});
