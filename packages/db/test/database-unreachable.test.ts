import { sql } from 'kysely';
import { findFreePort } from '@fenta/local-services';
import { checkDatabaseConnection, createDatabase, isDatabaseUnreachable } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

describe('createDatabase on an unreachable server', () => {
  it('fails every query with DB_UNREACHABLE naming the redacted target, once, also through checkDatabaseConnection', async () => {
    const port = await findFreePort();
    const url = `postgres://fenta:secret@127.0.0.1:${port}/nothing`;
    const db = createDatabase<any>({ url });
    try {
      const failure = await sql`SELECT 1`.execute(db).catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: 'DB_UNREACHABLE',
        status: 503,
        retryable: true,
        message: `PostgreSQL at postgres://fenta:***@127.0.0.1:${port}/nothing is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
      });
      expect(isDatabaseUnreachable(failure)).toBe(true);
      await expect(checkDatabaseConnection(db, url)).rejects.toMatchObject({ message: (failure as Error).message });
    } finally {
      await db.destroy();
    }
  });
});

describe('isDatabaseUnreachable on a real server', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(() => database.drop());

  it('is true when the server ends the session, false when a statement fails', async () => {
    const db = createDatabase<any>({ url: database.url, poolSize: 1 });
    try {
      const bad = await sql`SELECT no_such_column FROM pg_class`.execute(db).catch((error: unknown) => error);
      expect(bad).toMatchObject({ code: '42703' });
      expect(isDatabaseUnreachable(bad)).toBe(false);
      expect(isDatabaseUnreachable(new Error('anything else'))).toBe(false);

      const terminated = await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(db).catch((error: unknown) => error);
      expect(terminated).toMatchObject({ code: '57P01' });
      expect(isDatabaseUnreachable(terminated)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('is true for a connection the server dropped while it was checked out, and the process survives the drop', async () => {
    let dropped!: (error: Error) => void;
    const connectionError = new Promise<Error>((resolve) => (dropped = resolve));
    const db = createDatabase<any>({ url: database.url, poolSize: 1, onConnectionError: (error) => dropped(error) });
    try {
      await db.connection().execute(async (conn) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
        await database.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        expect(await connectionError).toMatchObject({ code: '57P01' });
        const lost = await sql`SELECT 1`.execute(conn).catch((error: unknown) => error);
        expect(lost).toMatchObject({ message: 'Client has encountered a connection error and is not queryable' });
        expect(isDatabaseUnreachable(lost)).toBe(true);
      });
    } finally {
      await db.destroy();
    }
  });

  it('survives the server dropping an idle connection, and the next query opens a new one', async () => {
    let dropped!: (error: Error) => void;
    const idleError = new Promise<Error>((resolve) => (dropped = resolve));
    const db = createDatabase<any>({ url: database.url, poolSize: 1, applicationName: 'fenta-idle-test', onConnectionError: (error) => dropped(error) });
    try {
      const before = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
      await database.query('SELECT pg_terminate_backend($1)', [before.rows[0]!.pid]);
      expect(await idleError).toMatchObject({ code: '57P01' });
      const after = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
      expect(after.rows[0]!.pid).not.toBe(before.rows[0]!.pid);
    } finally {
      await db.destroy();
    }
  });
});
