import { spawn } from 'node:child_process';
import path from 'node:path';

/** How a finished child process ended and what it printed. */
export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` to its end (waits on its exit, never a timer) and collects its output. */
export function runCommand(command: string, args: string[], options: { env: Record<string, string>; cwd?: string }): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The built `fenta` command, as an image without the bash wrapper runs it: `node infra/dist/main.js …`. */
export const cliPath = path.join(__dirname, '..', 'dist', 'main.js');

/** Runs the built CLI with only PATH and HOME from this process, plus `env`. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CommandOutcome> {
  return runCommand(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, cwd });
}
