import { randomUUID } from 'node:crypto';

/**
 * A unique temporary name next to `target`, for writing a file before renaming
 * it into place. Random rather than pid + time so two writes of the same key in
 * the same millisecond never share a temporary file.
 */
export function partialPathFor(target: string): string {
  return `${target}.partial-${randomUUID()}`;
}
