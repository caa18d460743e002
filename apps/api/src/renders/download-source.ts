import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Bytes to download, and what conditional and range requests need to know of them. */
export interface DownloadSource {
  size: number;
  /** A strong validator: it changes whenever the bytes do. */
  etag: string;
  lastModified?: Date;
  /** The bytes from `start` to `end`, both included. */
  open(start: number, end: number): Readable | Buffer;
}

/** A file on this machine; undefined when there is none at `file`. */
export async function localFileSource(file: string): Promise<DownloadSource | undefined> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info?.isFile()) return undefined;
  return {
    size: info.size,
    // Size and modification time: a render's files are written once, by renaming a finished file into place.
    etag: `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`,
    lastModified: info.mtime,
    open: (start, end) => createReadStream(file, { start, end }),
  };
}

/** Bytes made on the fly (captions converted to WebVTT); their hash is their validator. */
export function bytesSource(bytes: Buffer): DownloadSource {
  return {
    size: bytes.length,
    etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`,
    open: (start, end) => bytes.subarray(start, end + 1),
  };
}
