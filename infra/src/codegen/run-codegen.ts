import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { createDatabase, migrateOrThrow } from '@fenta/db';
import { findFreePort, startEmbeddedPostgres } from '@fenta/local-services';
import { parseCommandArgs } from '../cli/parse-command-args';
import { serviceStartFailure } from '../cli/service-start-failure';

const dbPackage = path.resolve(__dirname, '..', '..', '..', 'packages', 'db');

/**
 * `./fenta codegen`: migrates a throwaway PostgreSQL and regenerates
 * `packages/db/src/schema/db.generated.ts` from it with kysely-codegen, so the
 * kysely types always describe what the migrations make.
 */
export async function runCodegen(argv: string[]): Promise<number> {
  parseCommandArgs(argv, { usage: './fenta codegen' });
  const root = await mkdtemp(path.join(tmpdir(), 'fenta-codegen-'));
  await chmod(root, 0o755);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(root, 'pg'),
    port: await findFreePort(),
    database: 'fenta',
    settings: { fsync: 'off' },
  }).catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    return serviceStartFailure('Embedded PostgreSQL')(error);
  });
  try {
    const db = createDatabase({ url: postgres.url, poolSize: 1 });
    try {
      await migrateOrThrow(db);
    } finally {
      await db.destroy();
    }
    const bin = require.resolve('kysely-codegen/dist/cli/bin.js', { paths: [dbPackage] });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const child = spawn(process.execPath, [bin, '--url', postgres.url], { cwd: dbPackage, stdio: 'inherit' });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (exit.code !== 0) throw new FentaError('CODEGEN_FAILED', { exit: exit.signal ? `signal ${exit.signal}` : `code ${exit.code}` });
    process.stdout.write('wrote packages/db/src/schema/db.generated.ts\n');
    return 0;
  } finally {
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  }
}
