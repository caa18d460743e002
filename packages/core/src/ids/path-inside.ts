import path from 'node:path';
import { FentaError } from '../errors/fenta-error';
import { quoteId } from './id-grammar';

// One path segment: no separators, no NUL, not "." or "..", not empty, bounded.
const segmentPattern = /^(?!\.{1,2}$)[^/\\\0]{1,255}$/;

/**
 * Joins `segments` under `root` and proves the result stays inside it: each
 * segment must be a single plain name (no `/`, `\`, NUL, `.` or `..`), and the
 * resolved path must be `root` itself or below it. Throws PATH_OUTSIDE_ROOT
 * otherwise, whatever it is given, so a folder that is removed recursively
 * afterwards can only ever be one the caller owns.
 */
export function pathInside(root: string, ...segments: string[]): string {
  const base = path.resolve(root);
  for (const segment of segments) {
    if (typeof segment !== 'string' || !segmentPattern.test(segment)) {
      throw new FentaError('PATH_OUTSIDE_ROOT', { segment: quoteId(segment), root: path.basename(base) });
    }
  }
  const joined = path.resolve(base, ...segments);
  if (joined !== base && !joined.startsWith(base + path.sep)) {
    throw new FentaError('PATH_OUTSIDE_ROOT', { segment: quoteId(segments.join('/')), root: path.basename(base) });
  }
  return joined;
}
