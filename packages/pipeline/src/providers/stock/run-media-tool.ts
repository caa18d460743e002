import { spawn } from 'node:child_process';

/** What a finished ffmpeg/ffprobe run printed. */
export interface MediaToolOutput {
  stdout: string;
  stderr: string;
}

/** A failed run: the exit code and the end of stderr, which is where ffmpeg says why. */
export class MediaToolError extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(`${tool} exited with ${exitCode ?? 'a signal'}: ${stderrTail}`);
    this.name = 'MediaToolError';
  }
}

/**
 * Runs ffmpeg or ffprobe with an argument array (never a shell string) and
 * resolves with its output. Aborting `signal` kills it, and it is killed in
 * any case before this returns, so no process outlives the call.
 */
export async function runMediaTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: string[],
  signal: AbortSignal,
  options: { cwd?: string } = {},
): Promise<MediaToolOutput> {
  signal.throwIfAborted();
  const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    // Only the end matters for errors; keep memory flat on chatty runs.
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const kill = () => child.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    signal.throwIfAborted();
    if (exitCode !== 0) throw new MediaToolError(tool, exitCode, stderr.trim().split('\n').slice(-5).join('\n'));
    return { stdout: Buffer.concat(stdout).toString(), stderr };
  } finally {
    signal.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
