import type { ChildProcess } from 'node:child_process';

/**
 * Resolves when the child prints a line matching `ready` on stdout or stderr;
 * rejects when it exits first or `timeoutMs` passes, with its last output so
 * the reason (a busy port, a bad flag) reaches the user.
 */
export function waitForOutput(
  child: ChildProcess,
  ready: RegExp,
  options: { name: string; timeoutMs: number; onLine?: (line: string) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        options.onLine?.(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (ready.test(line)) finish();
      }
    };
    const onError = (error: Error) => finish(new Error(`${options.name} could not start: ${error.message}`));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`${options.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${tail.join('\n')}`));
    const timer = setTimeout(() => finish(new Error(`${options.name} was not ready within ${options.timeoutMs} ms:\n${tail.join('\n')}`)), options.timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Sends `signal` and resolves when the child has exited (at once if it already has). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
