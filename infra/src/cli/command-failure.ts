import { errorCodes, formatMessage, type ErrorCode, type ErrorParams, type FentaError } from '@fenta/core';

/** What a failure line says beyond the code and message. */
export interface FailureContext {
  /** The file the failure is about, named in the line. */
  file?: string;
  /** What to do about it; the code's usual fix (see failure-fixes.ts) when not given. */
  fix?: string;
  /** Lines printed indented under the one line: each graph problem, a job's last log lines. */
  details?: string[];
}

/** One problem of a graph, as validateGraph lists them in its error's details. */
interface ListedProblem {
  code: string;
  message: string;
  path: string;
}

/**
 * A `fenta` command failed for a reason the operator can act on: a code of
 * the registry, its message, and the context of the command (which file,
 * what to fix). main.ts prints it as one line; nothing else reaches stderr.
 */
export class CommandFailure extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly context: FailureContext;

  constructor(code: ErrorCode, message: string, params: ErrorParams, context: FailureContext = {}, cause?: unknown) {
    super(message, { cause });
    this.name = 'CommandFailure';
    this.code = code;
    this.params = params;
    this.context = context;
  }

  /** A failure with the registry message of `code`. */
  static of(code: ErrorCode, params: ErrorParams = {}, context: FailureContext = {}): CommandFailure {
    return new CommandFailure(code, formatMessage(errorCodes[code].message, params), params, context);
  }

  /** A coded error seen from a command: graph problems listed in its details become lines under the failure. */
  static from(error: FentaError, context: FailureContext = {}): CommandFailure {
    return CommandFailure.described(error.code, error.message, error.params, error.details, context, error);
  }

  /**
   * An error the API answered with (`{error: {code, message, details}}`), as
   * the failure of the command that called it: the same line as if the
   * command had met it itself.
   */
  static fromApi(code: ErrorCode, message: string, details: unknown, context: FailureContext = {}): CommandFailure {
    return CommandFailure.described(code, message, {}, details, context);
  }

  private static described(code: ErrorCode, message: string, params: ErrorParams, details: unknown, context: FailureContext, cause?: unknown): CommandFailure {
    const listed = (details as { problems?: unknown } | undefined)?.problems;
    // CONFIG_INVALID lists its problems as plain strings, already in its message.
    const problems = Array.isArray(listed) ? listed.filter(isListedProblem) : [];
    if (problems.length === 0) return new CommandFailure(code, message, params, context, cause);
    const several = problems.length > 1;
    return new CommandFailure(
      code,
      several ? `${message} (${problems.length} problems, listed below)` : message,
      params,
      {
        fix: several ? 'correct the graph at each path below' : `correct the graph at ${problems[0]!.path}`,
        details: several ? problems.map((problem) => `${problem.code} at ${problem.path}: ${problem.message}`) : undefined,
        ...context,
      },
      cause,
    );
  }
}

function isListedProblem(value: unknown): value is ListedProblem {
  const problem = value as Partial<ListedProblem> | null;
  return (
    typeof problem === 'object' &&
    problem !== null &&
    typeof problem.code === 'string' &&
    typeof problem.path === 'string' &&
    typeof problem.message === 'string'
  );
}
