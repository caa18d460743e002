import { createLogger, isFentaError, redactUrl } from '@fenta/core';
import { checkDatabaseConnection, createDatabase, migrateToLatest } from '@fenta/db';
import PinoPretty from 'pino-pretty';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { readMigrateEnv, type MigrateEnv } from './migrate-env';

const usage = 'DATABASE_URL=postgres://… ./fenta migrate';

/**
 * `./fenta migrate` (`node infra/dist/main.js migrate` in an image): applies
 * the pending migrations to DATABASE_URL and nothing else, for a release step
 * that runs before the new apps start. Logs each migration applied and a
 * summary; a second run applies nothing. An edited landed migration stops it
 * before anything is applied.
 */
export async function runMigrate(argv: string[]): Promise<number> {
  parseCommandArgs(argv, { usage });
  const env = readEnv();
  // JSON lines for a release pipeline's logs; readable lines on a terminal.
  const log = createLogger({
    service: 'migrate',
    level: env.LOG_LEVEL,
    destination: process.stdout.isTTY ? PinoPretty({ sync: true, ignore: 'pid,hostname,service' }) : undefined,
  });
  const target = redactUrl(env.DATABASE_URL);
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: 1, applicationName: 'fenta-migrate' });
  try {
    await checkDatabaseConnection(db, env.DATABASE_URL);
    log.info({ database: target }, `migrating ${target}`);
    const run = await migrateToLatest(db, {
      onApplied: (result) => log.info({ migration: result.name, durationMs: result.durationMs }, `applied ${result.name}`),
    });
    if (run.error) throw run.error;
    const applied = run.results.filter((result) => result.status === 'applied').length;
    const already = run.results.length - applied;
    log.info(
      { applied, alreadyApplied: already },
      applied === 0 ? `nothing to apply: all ${migrations(already)} were already applied` : `applied ${migrations(applied)}, ${already} already applied before`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

function migrations(count: number): string {
  return `${count} migration${count === 1 ? '' : 's'}`;
}

function readEnv(): MigrateEnv {
  try {
    return readMigrateEnv();
  } catch (error) {
    if (!isFentaError(error)) throw error;
    throw CommandFailure.from(error, { fix: 'set DATABASE_URL to the database to migrate, e.g. postgres://user:password@host:5432/fenta' });
  }
}
