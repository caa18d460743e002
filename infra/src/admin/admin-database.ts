import { z } from 'zod';
import { isFentaError, parseEnv, urlSchema } from '@fenta/core';
import { checkDatabaseConnection, createDatabase, type DB } from '@fenta/db';
import type { Kysely } from 'kysely';
import { CommandFailure } from '../cli/command-failure';
import { findRunningStack } from '../up/find-running-stack';
import { readUpEnv } from '../up/up-env';

const schema = z.object({ DATABASE_URL: urlSchema('postgres:', 'postgresql:').optional() });

/**
 * The database `./fenta org` and `./fenta key` act on, as the system: the one
 * DATABASE_URL names (any install), else the one of the stack `./fenta up`
 * is running here. Administration needs no API and no key: it is how the
 * first org and its first key come to be.
 */
export async function openAdminDatabase(command: string): Promise<Kysely<DB>> {
  let url: string;
  try {
    url = parseEnv(schema, process.env).DATABASE_URL ?? (await findRunningStack(readUpEnv().dataDir)).databaseUrl;
  } catch (error) {
    if (!isFentaError(error)) throw error;
    throw CommandFailure.from(error, {
      fix: `set DATABASE_URL to the Fenta database, or start the local stack with ./fenta up, then run ./fenta ${command} again`,
    });
  }
  const db = createDatabase({ url, poolSize: 2, applicationName: `fenta-${command}` });
  try {
    await checkDatabaseConnection(db, url);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
