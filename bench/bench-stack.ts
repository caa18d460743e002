import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createDatabase, migrateOrThrow, seedBuiltInTemplates, seedDemoOrg, type DB } from '../packages/db/src';
import { findFreePort, startEmbeddedPostgres, startRedisServer } from '../packages/local-services/src';

const repoRoot = path.resolve(__dirname, '..');

/** The services a benchmark runs on: its own PostgreSQL (migrated, with the built-in templates and the demo org) and Redis. */
export interface BenchStack {
  dir: string;
  databaseUrl: string;
  redisUrl: string;
  db: Kysely<DB>;
  orgId: string;
  userId: string;
  workflowId: string;
  /** Something to undo when the stack stops (last added, first undone). */
  onStop(stop: () => Promise<unknown>): void;
  /** Starts one of the apps (`api`, `scheduler`, `worker`) as its own process, its log going to a file (a pipe this busy process reads would slow its writes). */
  startApp(app: 'api' | 'scheduler' | 'worker', env: Record<string, string>, nodeArgs?: string[]): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startBenchStack(name: string, options: { poolSize: number }): Promise<BenchStack> {
  const dir = await mkdtemp(path.join(tmpdir(), `fenta-${name}-bench-`));
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const undo of stops.reverse()) await undo().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await findFreePort(), database: 'fenta' });
    stops.push(() => postgres.stop());
    const redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort() });
    stops.push(() => redis.stop());
    const db = createDatabase({ url: postgres.url, poolSize: options.poolSize, applicationName: 'fenta-bench' });
    stops.push(() => db.destroy());
    await migrateOrThrow(db);
    await seedBuiltInTemplates(db);
    const demo = await seedDemoOrg(db);
    let apps = 0;
    return {
      dir,
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      db,
      ...demo,
      onStop: (undo) => stops.push(undo),
      async startApp(app, env, nodeArgs = []) {
        const log = await open(path.join(dir, `${app}-${++apps}.log`), 'w');
        stops.push(() => log.close());
        const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, 'apps', app, 'dist', 'main.js')], {
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: postgres.url, REDIS_URL: redis.url, ...env },
          stdio: ['ignore', log.fd, 'inherit'],
        });
        stops.push(async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        });
        return child;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls an app's health route until it answers 200 (a benchmark may poll; it asserts nothing). */
export async function waitForHealth(url: string, app: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`${name} exited with ${app.exitCode} before it answered`);
    const ok = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not answer ${url} within 60 s`);
}
