import { spawn } from 'node:child_process';

/** What a finished child process printed. */
export interface ChildProcessOutput {
  stdout: string;
  stderr: string;
}

/** A child process that could not start or exited with a failure. */
export class ChildProcessFailure extends Error {
  constructor(
    readonly command: string,
    /** How it ended: an exit code, a signal, or the errno of a failed start (`ENOENT` when not installed). */
    readonly outcome: { exitCode: number } | { killedBy: string } | { startError: string },
    /** The last lines the program wrote to stderr. */
    readonly stderrTail: string,
  ) {
    super(`${command} ${describeOutcome(outcome)}${stderrTail ? `: ${stderrTail}` : ''}`);
    this.name = 'ChildProcessFailure';
  }

  /** True when the program is not installed. */
  get notInstalled(): boolean {
    return 'startError' in this.outcome && this.outcome.startError === 'ENOENT';
  }
}

// silencedetect on a long narration writes a few lines per second of audio;
// a cap keeps a runaway program from filling memory.
const maxCapturedChars = 8 * 1024 * 1024;

/**
 * Runs a program (ffmpeg, ffprobe, espeak-ng, fontconfig's tools) with an
 * argument array (never a shell) and collects its output. Aborting the signal kills the process at once (SIGKILL) and, once
 * it has exited, rejects with the signal's reason: the process is never left
 * running after this settles.
 */
export function runChildProcess(command: string, args: string[], options: { signal: AbortSignal; cwd?: string }): Promise<ChildProcessOutput> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<ChildProcessOutput>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < maxCapturedChars) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < maxCapturedChars) stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? signal.reason : new ChildProcessFailure(command, { startError: error.code ?? error.message }, ''));
    });
    // A killed program is done at 'exit': its stray grandchildren may hold the pipes open past it.
    child.once('exit', () => {
      if (signal.aborted) reject(signal.reason);
    });
    // A finished program's output is complete once its pipes close.
    child.once('close', (code, killedBy) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(signal.reason);
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new ChildProcessFailure(command, code === null ? { killedBy: String(killedBy) } : { exitCode: code }, tail(stderr)));
    });
  });
}

function describeOutcome(outcome: ChildProcessFailure['outcome']): string {
  if ('exitCode' in outcome) return `exited with code ${outcome.exitCode}`;
  if ('killedBy' in outcome) return `was killed by ${outcome.killedBy}`;
  return `could not start (${outcome.startError})`;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n').slice(-1000);
}
