import { FentaError } from '@fenta/core';

/** REQUEST_INVALID for one field, in the same shape as a schema failure (details.problems). */
export function invalidField(path: string, message: string): FentaError {
  return new FentaError('REQUEST_INVALID', { reason: `${path} ${message}` }, { details: { problems: [{ path, message }] } });
}

/** `body.<name>` for a form field's name as the client sent it; a name that is not plain text is not echoed. */
export function formFieldPath(name: string): string {
  return /^[A-Za-z0-9_[\].-]{1,100}$/.test(name) ? `body.${name}` : 'body.(a field with an unreadable name)';
}
