import { spawn } from 'node:child_process';
import { FentaError } from '@fenta/core';

export interface RunFfmpegOptions {
  /** Seconds of output the command makes, to turn ffmpeg's `out_time` into a fraction. */
  durationSeconds?: number;
  /** Called with 0..1 as ffmpeg reports progress (about twice a second), never going backwards. */
  onProgress?: (fraction: number) => void;
  /** Aborting kills ffmpeg: SIGTERM, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Called once ffmpeg has started, with its process id. */
  onSpawn?: (pid: number) => void;
  /** The ffmpeg program; `ffmpeg` on the PATH by default. */
  ffmpegPath?: string;
}

/** How much of ffmpeg's stderr a failure message carries. */
const stderrLinesKept = 40;

/** The error a run rejects with when its signal aborts: `name` is `AbortError`, the signal's reason is its cause. */
export class FfmpegAbortError extends Error {
  override readonly name = 'AbortError';
  constructor(reason: unknown) {
    super('ffmpeg was stopped because the render was aborted', { cause: reason });
  }
}

/** Keeps the last `size` lines of a stream. */
function lineTail(size: number): { push(chunk: string): void; lines(): string[] } {
  const lines: string[] = [];
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk).split(/\r?\n|\r/);
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim() !== ''));
      if (lines.length > size) lines.splice(0, lines.length - size);
    },
    lines: () => (partial.trim() ? [...lines, partial] : [...lines]).slice(-size),
  };
}

/**
 * Runs ffmpeg as a child process with these arguments and resolves once it
 * exits 0, with the last 40 lines of its stderr (where filters such as
 * ebur128 report when they close). Progress comes from `-progress pipe:1` (key=value lines on stdout),
 * added in front of the arguments when `onProgress` is given. A non-zero exit
 * rejects with RENDER_FAILED carrying the last 40 lines of stderr; an abort
 * rejects with an `AbortError` once the process is gone.
 *
 * The arguments come ready-made from the pure compile step, so this spawns
 * ffmpeg itself instead of going through fluent-ffmpeg: fluent-ffmpeg builds
 * its own argument list (it has no public way to run a given one) and takes
 * no AbortSignal, and the compile step must stay a plain array to be tested.
 */
export async function runFfmpeg(args: string[], options: RunFfmpegOptions = {}): Promise<{ stderr: string[] }> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new FfmpegAbortError(signal.reason);
  const fullArgs = onProgress ? ['-progress', 'pipe:1', '-nostats', ...args] : args;
  const child = spawn(options.ffmpegPath ?? 'ffmpeg', fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = lineTail(stderrLinesKept);
  let killTimer: NodeJS.Timeout | undefined;
  let aborted = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const onAbort = () => {
    aborted = true;
    child.kill('SIGTERM');
    // ffmpeg finishes writing its file on SIGTERM; the file is thrown away, so do not wait long.
    killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 250);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    child.stdout.setEncoding('utf8');
    let reported = 0;
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      // ffmpeg stopped by SIGTERM still ends with `progress=end`: an aborted render reports no more progress.
      if (!onProgress || aborted) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const fraction = progressOf(line, options.durationSeconds);
        if (fraction !== undefined && fraction > reported) {
          reported = fraction;
          onProgress(fraction);
        }
      }
    });
    const result = await exited;
    if (aborted) throw new FfmpegAbortError(signal?.reason);
    if (result.error) throw new FentaError('RENDER_FAILED', { reason: `ffmpeg could not start: ${result.error.message}` }, { cause: result.error });
    if (result.code !== 0) {
      const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
      const tail = stderr.lines();
      throw new FentaError('RENDER_FAILED', { reason: `ffmpeg ${how}: ${tail.join('\n') || '(no output)'}` }, { details: { stderr: tail } });
    }
    return { stderr: stderr.lines() };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
    // A rejection from a stream handler must not leave ffmpeg running.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** 0..1 from a `-progress` line (`out_time_us=…`, `progress=end`), or undefined for other lines. */
export function progressOf(line: string, durationSeconds: number | undefined): number | undefined {
  const [key, value] = line.trim().split('=', 2);
  if (key === 'progress' && value === 'end') return 1;
  if (key !== 'out_time_us' || !durationSeconds || durationSeconds <= 0) return undefined;
  const micros = Number(value);
  if (!Number.isFinite(micros) || micros < 0) return undefined;
  return Math.min(1, micros / 1e6 / durationSeconds);
}
