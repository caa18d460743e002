import { FentaError, isFentaError } from '@fenta/core';
import { ChildProcessFailure } from '../../process/run-child-process';

/**
 * What a failed local synthesis step becomes: the abort reason when the run
 * was stopped, PROVIDER_UNAVAILABLE when a program is not installed,
 * PROVIDER_ERROR with the program's exit and last output otherwise.
 */
export function synthesisFailure(error: unknown, provider: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (isFentaError(error) || !(error instanceof ChildProcessFailure)) return error;
  if (error.notInstalled) {
    return new FentaError('PROVIDER_UNAVAILABLE', { provider, reason: `${error.command} is not installed` }, { cause: error });
  }
  const status = 'exitCode' in error.outcome ? `${error.command} exit ${error.outcome.exitCode}` : `${error.command} failure`;
  return new FentaError('PROVIDER_ERROR', { provider, status, reason: error.stderrTail || error.message }, { cause: error });
}
