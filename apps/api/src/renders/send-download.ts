import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FentaError } from '@fenta/core';
import { parseByteRange } from './byte-range';
import type { DownloadSource } from './download-source';

/**
 * Answers a download: 304 when the client's copy is current (If-None-Match,
 * or If-Modified-Since without it), 206 with Content-Range for one
 * satisfiable byte range (unless If-Range names another version: then the
 * whole file), 416 with a Content-Range naming the size for a range past
 * the end, else 200 with the whole file. Every answer names its ETag, and says
 * ranges are accepted.
 */
export function sendDownload(request: FastifyRequest, reply: FastifyReply, source: DownloadSource, contentType: string): FastifyReply {
  const lastModified = source.lastModified?.toUTCString();
  reply.header('accept-ranges', 'bytes').header('etag', source.etag).header('cache-control', 'private, no-cache');
  if (lastModified) reply.header('last-modified', lastModified);
  if (notModified(request, source)) return reply.code(304).send();

  const ifRange = request.headers['if-range'];
  const applies = rangeApplies(typeof ifRange === 'string' ? ifRange : undefined, source.etag, lastModified);
  const range = applies ? parseByteRange(request.headers.range, source.size) : { kind: 'whole' as const };
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${source.size}`);
    throw new FentaError('RANGE_NOT_SATISFIABLE', { range: request.headers.range ?? '', size: source.size }, { details: { size: source.size } });
  }
  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, source.size - 1];
  if (range.kind === 'part') reply.code(206).header('content-range', `bytes ${start}-${end}/${source.size}`);
  reply.type(contentType).header('content-length', String(end - start + 1));
  // HEAD answers the same headers; an empty stream keeps Fastify from reading the file only to drop it.
  if (request.method === 'HEAD' || source.size === 0) return reply.send(Readable.from([]));
  return reply.send(source.open(start, end));
}

/** Whether the client already holds this version. */
function notModified(request: FastifyRequest, source: DownloadSource): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(source.etag);
  }
  const since = request.headers['if-modified-since'];
  if (since === undefined || !source.lastModified) return false;
  const time = Date.parse(since);
  // HTTP dates have whole seconds.
  return Number.isFinite(time) && Math.floor(source.lastModified.getTime() / 1000) * 1000 <= time;
}

/** If-Range: a range is served only for the version the client names (a strong ETag, or the exact Last-Modified date). */
function rangeApplies(ifRange: string | undefined, etag: string, lastModified: string | undefined): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return lastModified !== undefined && value === lastModified;
}
