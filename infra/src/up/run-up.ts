import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import PinoPretty from 'pino-pretty';
import { assertPortFree, startEmbeddedPostgres, startRedisServer, type RunningPostgres, type RunningRedis } from '@fenta/local-services';
import { checkDatabaseConnection, createDatabase, demoWorkflow, ensureDemoApiKey, migrateOrThrow, seedBuiltInTemplates, seedDemoOrg } from '@fenta/db';
import { hashApiKey, issueApiKey, redactingOptions } from '@fenta/core';
import { assertNoEviction, connectRedis, createRedisConnection } from '@fenta/queue';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { serviceStartFailure } from '../cli/service-start-failure';
import { readUpEnv, type UpEnv } from './up-env';
import { stackFilePath, writeStackFile } from './stack-file';
import { enqueueDemoRender } from './demo-render';
import { loadLocalSecrets, readDemoFile, writeDemoFile, type DemoFile } from './local-state';
import { ProcessLedger } from './process-ledger';
import { startServiceProcess, stopServiceProcess, type ServiceProcess } from './service-process';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const apps = ['api', 'worker', 'scheduler'] as const;
const appGraceMs = 35_000;

/**
 * `./fenta up`: embedded PostgreSQL and Redis (unless configured), migrations,
 * the demo seed, then api, worker and scheduler with their logs in this
 * terminal. Ctrl-C (or SIGTERM) stops the apps first, then the services, and
 * leaves no process behind.
 */
export async function runUp(argv: string[]): Promise<number> {
  parseCommandArgs(argv, { usage: './fenta up' });
  const env = readUpEnv();
  const log = pino(
    { level: env.LOG_LEVEL, base: { service: 'fenta' }, ...redactingOptions },
    PinoPretty({ colorize: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss', singleLine: true }),
  );
  await mkdir(env.dataDir, { recursive: true, mode: 0o755 });
  const ledger = new ProcessLedger(env.dataDir);
  const leftovers = await ledger.claim();
  if (leftovers.length > 0) log.warn({ stopped: leftovers }, 'stopped processes left by a previous ./fenta up');

  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  const services: ServiceProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      await Promise.all(services.map((service) => stopServiceProcess(service, appGraceMs)));
      for (const { name, stop } of stops.reverse()) {
        log.info(`stopping ${name}`);
        await stop();
      }
      await rm(stackFilePath(env.dataDir), { force: true });
      await ledger.release();
    })();
    return stopping;
  };

  let signalled: NodeJS.Signals | undefined;
  let wake: () => void = () => undefined;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    log.info({ signal }, 'stopping the stack');
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await assertPortFree({ host: env.FENTA_API_HOST, port: env.FENTA_API_PORT, service: 'fenta api', variable: 'FENTA_API_PORT' });
    const databaseUrl = env.DATABASE_URL ?? (await startPostgres(env, log, stops, ledger).catch(serviceStartFailure('Embedded PostgreSQL'))).url;
    const redisUrl = env.REDIS_URL ?? (await startRedis(env, log, stops, ledger).catch(serviceStartFailure('redis-server'))).url;
    if (signalled) return 130;

    await checkRedis(redisUrl);
    const demo = await prepareDatabase(env, databaseUrl, log);
    if (signalled) return 130;

    const apiUrl = `http://${env.FENTA_API_HOST}:${env.FENTA_API_PORT}`;
    const storageDir = process.env.FENTA_STORAGE_DIR ?? path.join(env.dataDir, 'storage');
    const appEnv: Record<string, string> = {
      FENTA_STORAGE_DIR: storageDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      FENTA_API_HOST: env.FENTA_API_HOST,
      FENTA_API_PORT: String(env.FENTA_API_PORT),
      // Where jobs.result's download links point: the API this stack runs, unless a proxy in front is named.
      FENTA_PUBLIC_URL: process.env.FENTA_PUBLIC_URL ?? apiUrl,
      FENTA_BOARD_OPERATOR_PASSWORD: demo.boardPassword,
      FENTA_BOARD_VIEWER_PASSWORD: demo.boardViewerPassword,
      LOG_LEVEL: env.LOG_LEVEL,
    };
    for (const name of apps) {
      const service = startServiceProcess({ name, script: path.join(repoRoot, 'apps', name, 'dist', 'main.js'), env: appEnv });
      services.push(service);
      await ledger.add(name, service.child.pid);
    }
    const firstExit = Promise.race(services.map((service) => service.exited.then((exit) => ({ service, exit }))));

    const healthy = await Promise.race([waitForHealth(`${apiUrl}/health`, () => signalled !== undefined), firstExit]);
    if (healthy !== true) {
      if (signalled) return 130;
      if (healthy === false)
        throw CommandFailure.of(
          'SERVICE_START_FAILED',
          { service: 'The api', reason: `${apiUrl}/health did not answer 200 within 60 s` },
          { fix: "see the api's log above" },
        );
      throw appExited(healthy, 'during start-up');
    }
    await writeStackFile(env.dataDir, { apiUrl, databaseUrl, redisUrl, storageDir, orgId: demo.orgId, userId: demo.userId });
    const demoRender = await enqueueDemoRender({ databaseUrl, redisUrl, storageDir, orgId: demo.orgId, userId: demo.userId, workflowId: demo.workflowId, log });
    stops.push({ name: 'demo watcher', stop: demoRender.stop });
    const file = await writeDemoFile(env.dataDir, { ...demo, apiUrl, boardUrl: `${apiUrl}/admin/queues`, demoJobId: demoRender.jobId });
    log.info({ api: apiUrl, board: `${apiUrl}/admin/queues`, demo: path.relative(process.cwd(), file) || file }, 'Fenta is up. Ctrl-C stops everything.');
    // Not a log line: a command to paste, with the local demo key in it (the log redacts keys).
    process.stdout.write(apiExample(apiUrl, demo.apiKey, demo.workflowId));

    const outcome = await Promise.race([woken.then(() => undefined), firstExit]);
    if (outcome) throw appExited(outcome, 'while the stack was up; the stack was stopped');
    return 0;
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function startPostgres(
  env: UpEnv,
  log: pino.Logger,
  stops: Array<{ name: string; stop: () => Promise<void> }>,
  ledger: ProcessLedger,
): Promise<RunningPostgres> {
  log.info({ port: env.FENTA_POSTGRES_PORT, dataDir: path.join(env.dataDir, 'postgres') }, 'starting embedded PostgreSQL');
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(env.dataDir, 'postgres'),
    port: env.FENTA_POSTGRES_PORT,
    database: 'fenta',
    ownProcessGroup: true,
    onLog: (line) => {
      if (/\b(ERROR|FATAL|PANIC|WARNING):/.test(line)) log.warn(`postgres: ${line}`);
    },
  });
  if (postgres.dataDir !== path.join(env.dataDir, 'postgres')) {
    log.warn({ dataDir: postgres.dataDir }, 'the postgres user cannot enter the data folder, so PostgreSQL keeps its data here instead');
  }
  stops.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
  await ledger.add('postgres', postgres.pid);
  return postgres;
}

async function startRedis(
  env: UpEnv,
  log: pino.Logger,
  stops: Array<{ name: string; stop: () => Promise<void> }>,
  ledger: ProcessLedger,
): Promise<RunningRedis> {
  log.info({ port: env.FENTA_REDIS_PORT, dataDir: path.join(env.dataDir, 'redis') }, 'starting redis-server');
  const redis = await startRedisServer({
    dataDir: path.join(env.dataDir, 'redis'),
    port: env.FENTA_REDIS_PORT,
    ownProcessGroup: true,
    onLog: (line) => {
      if (/ # /.test(line)) log.info(`redis: ${line}`);
    },
  });
  stops.push({ name: 'redis-server', stop: () => redis.stop() });
  await ledger.add('redis', redis.pid);
  return redis;
}

async function checkRedis(url: string): Promise<void> {
  const redis = createRedisConnection(url, { connectionName: 'fenta-up' });
  try {
    await connectRedis(redis, url);
    await assertNoEviction(redis);
  } finally {
    redis.disconnect();
  }
}

/** Migrations, built-in templates and the demo org, API key and workflow. */
async function prepareDatabase(env: UpEnv, databaseUrl: string, log: pino.Logger): Promise<Omit<DemoFile, 'apiUrl' | 'boardUrl' | 'demoJobId'>> {
  const db = createDatabase({ url: databaseUrl, poolSize: 2, applicationName: 'fenta-up' });
  try {
    await checkDatabaseConnection(db, databaseUrl);
    await migrateOrThrow(db, { onApplied: (result) => log.info({ durationMs: result.durationMs }, `migrated ${result.name}`) });
    await seedBuiltInTemplates(db);
    const { orgId, userId, workflowId } = await seedDemoOrg(db);
    const held = await readDemoFile(env.dataDir);
    const issued = issueApiKey();
    const { key } = await ensureDemoApiKey(db, { heldKeyHash: held.apiKey ? hashApiKey(held.apiKey) : undefined, issued });
    const secrets = await loadLocalSecrets(env.dataDir);
    return {
      apiKey: key === 'held' && held.apiKey ? held.apiKey : issued.key,
      orgId,
      userId,
      workflowId,
      templateId: demoWorkflow.graph.nodes.find((node) => node.type === 'Edit.Timeline')?.params.template_id ?? 'tmpl_shorts_v1',
      boardUser: 'operator',
      boardPassword: secrets.boardPassword,
      boardViewerUser: 'viewer',
      boardViewerPassword: secrets.boardViewerPassword,
    };
  } finally {
    await db.destroy();
  }
}

/** A ready-to-paste request that runs the demo workflow on another topic, and one that follows it. */
export function apiExample(apiUrl: string, apiKey: string, workflowId: string): string {
  const body = JSON.stringify({ workflow_id: workflowId, variables: { topic: 'the first train that ran on hydrogen' } });
  return [
    'Create a job with the demo key:',
    `  curl -sS -X POST ${apiUrl}/v1/jobs -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' -d '${body}'`,
    'and follow it (the id is in the answer):',
    `  curl -N ${apiUrl}/v1/jobs/<job id>/events -H 'Authorization: Bearer ${apiKey}'`,
    '',
  ].join('\n');
}

/** An app that stopped on its own, as the failure `up` ends with. */
function appExited({ service, exit }: { service: ServiceProcess; exit: { code: number | null; signal: NodeJS.Signals | null } }, when: string): CommandFailure {
  return CommandFailure.of('STACK_APP_EXITED', { app: service.name, exit: exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`, when });
}

/** Polls the API's health endpoint until it answers 200 (the app is listening and connected), or `cancelled()`. */
async function waitForHealth(url: string, cancelled: () => boolean, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
