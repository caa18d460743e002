import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { assertPortFree } from './ports';
import { stopChild, waitForOutput } from './wait-for-output';

export interface RedisServerOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** Append-only persistence; on by default so a restart keeps the queues. */
  appendOnly?: boolean;
  /** `noeviction` by default: the only policy under which Redis never drops a queued job. */
  maxmemoryPolicy?: string;
  onLog?: (line: string) => void;
  /** Run in a process group of its own (see EmbeddedPostgresOptions.ownProcessGroup). */
  ownProcessGroup?: boolean;
}

export interface RunningRedis {
  url: string;
  port: number;
  /** The server's process id (its process group's, when it has its own). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Runs a local `redis-server` as a child process, bound to loopback. */
export async function startRedisServer(options: RedisServerOptions): Promise<RunningRedis> {
  const host = options.host ?? '127.0.0.1';
  await assertPortFree({ host, port: options.port, service: 'redis-server', variable: 'FENTA_REDIS_PORT' });
  await mkdir(options.dataDir, { recursive: true });
  const args = [
    '--port',
    String(options.port),
    '--bind',
    host,
    '--dir',
    options.dataDir,
    '--appendonly',
    options.appendOnly === false ? 'no' : 'yes',
    '--maxmemory-policy',
    options.maxmemoryPolicy ?? 'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  await waitForOutput(child, /Ready to accept connections/, { name: 'redis-server', timeoutMs: 30_000 });
  const forward = (chunk: Buffer) =>
    chunk
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .forEach((line) => options.onLog?.(line));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return {
    url: `redis://${host}:${options.port}`,
    port: options.port,
    pid: child.pid,
    // SIGTERM makes redis flush the append-only file and exit.
    stop: () => stopChild(child, 'SIGTERM'),
  };
}
