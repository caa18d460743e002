/** What a Range header asks of a file of `size` bytes. */
export type ByteRange = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

// Fifteen digits: larger offsets are no file's, and still exact as a JS number.
const rangeSpec = /^bytes[ \t]*=[ \t]*(?:(\d{1,15})[ \t]*-[ \t]*(\d{1,15})?|-[ \t]*(\d{1,15}))[ \t]*$/i;

/**
 * One byte range (RFC 9110 §14): `bytes=first-last`, `bytes=first-` or the
 * last n bytes, `bytes=-n`; the end is clipped to the file. A range that
 * starts past the end (or asks for the last 0 bytes) is unsatisfiable. A
 * header that is no single valid byte range (several ranges, another unit,
 * first > last) is ignored, as the RFC allows: the whole file is sent.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'whole' };
  const match = rangeSpec.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first, last, suffix] = match;
  if (suffix !== undefined) {
    const length = Number(suffix);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== undefined && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end: last === undefined ? size - 1 : Math.min(Number(last), size - 1) };
}
