import { spawn, type ChildProcess } from 'node:child_process';
import { prettyFactory } from 'pino-pretty';

const colors: Record<string, string> = { api: '\x1b[32m', worker: '\x1b[35m', scheduler: '\x1b[34m' };
const reset = '\x1b[0m';

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts one app (`apps/<name>/dist/main.js`) in a process group of its own,
 * so a terminal Ctrl-C reaches the supervisor only and it stops the apps in
 * order; their JSON logs are printed as readable lines prefixed by the name.
 */
export function startServiceProcess(options: { name: string; script: string; env: Record<string, string>; out?: NodeJS.WritableStream }): ServiceProcess {
  const out = options.out ?? process.stdout;
  const child = spawn(process.execPath, [options.script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = `${colors[options.name] ?? ''}${options.name.padEnd(9)}${reset}│ `;
  const pretty = prettyFactory({ colorize: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss', singleLine: true });
  const print = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const text = line.startsWith('{') ? pretty(line).trimEnd() : line;
      out.write(`${prefix}${text}\n`);
    }
  };
  child.stdout?.on('data', print);
  child.stderr?.on('data', print);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name: options.name, child, exited };
}

/** Asks the process group to stop with SIGTERM; SIGKILL after `graceMs`. */
export async function stopServiceProcess(service: ServiceProcess, graceMs: number): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const pid = service.child.pid;
  if (pid === undefined) return;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  kill('SIGTERM');
  await service.exited;
  clearTimeout(timer);
}
