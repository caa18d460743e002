import { isFentaError } from '@fenta/core';
import { CommandFailure } from './command-failure';
import { fixFor } from './failure-fixes';

/** Exit code of a usage error (wrong arguments), as shells and getopt have it; every other failure exits 1. */
export const usageExitCode = 2;

/**
 * The lines a failed command prints on stderr, and its exit code. The first
 * line is the whole story, in one format:
 *   fenta <command>: <CODE>[ in <file>]: <message> — fix: <what to do>
 * followed only by detail lines indented under it (graph problems, a job's
 * last logs). An error without a code is INTERNAL: its stack trace is shown
 * with LOG_LEVEL=debug (or trace) only.
 */
export function describeFailure(command: string | undefined, thrown: unknown, options: { debug: boolean }): { lines: string[]; exitCode: number } {
  const prefix = command ? `fenta ${command}` : 'fenta';
  const failure = thrown instanceof CommandFailure ? thrown : isFentaError(thrown) ? CommandFailure.from(thrown) : undefined;
  if (!failure) {
    const reason = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    const fix = options.debug ? 'the stack trace follows; report it with the command that failed' : 're-run with LOG_LEVEL=debug to see the stack trace';
    const lines = [`${prefix}: INTERNAL: Internal error (${oneLine(reason)}) — fix: ${fix}`];
    if (options.debug) lines.push(thrown instanceof Error && thrown.stack ? thrown.stack : String(thrown));
    return { lines, exitCode: 1 };
  }
  const { file, fix, details } = failure.context;
  const line = `${prefix}: ${failure.code}${file ? ` in ${file}` : ''}: ${oneLine(failure.message)} — fix: ${oneLine(fix ?? fixFor(failure.code, failure.params))}`;
  return { lines: [line, ...(details ?? []).map((detail) => `  ${oneLine(detail)}`)], exitCode: failure.code === 'CLI_USAGE' ? usageExitCode : 1 };
}

/** Messages from elsewhere (a JSON parser, a server) may span lines; a failure line may not. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
