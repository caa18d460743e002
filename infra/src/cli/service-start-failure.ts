import { isFentaError } from '@fenta/core';
import { CommandFailure } from './command-failure';

/**
 * For `.catch()` on starting an embedded service: its error (the service's
 * last output after a first line) as SERVICE_START_FAILED, that output
 * indented under the line. Coded errors, such as a busy port, pass as they are.
 */
export function serviceStartFailure(service: string): (error: unknown) => never {
  return (error: unknown) => {
    if (isFentaError(error) || !(error instanceof Error)) throw error;
    const [reason = '', ...output] = error.message.split('\n').filter((line) => line.trim() !== '');
    const fix = output.length > 0 ? undefined : 'correct what the reason names (a path, a program), then run again';
    throw CommandFailure.of('SERVICE_START_FAILED', { service, reason: reason.replace(/:$/, '') }, { details: output, fix });
  };
}
