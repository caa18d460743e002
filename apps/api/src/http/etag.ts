import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';

/** The ETag of a row revision (see rowRevision in @fenta/db): strong and opaque to clients. */
export function etagOf(revision: string): string {
  return `"${revision}"`;
}

/** The request headers of a route that honours If-Match, for its schema. */
export const ifMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 1000,
      description: 'Only write if the resource still has this ETag (from a GET or a previous write), else 412 REQUEST_PRECONDITION_FAILED; `*` for any.',
    }),
  ),
});

/**
 * Optimistic concurrency (RFC 9110 If-Match): a write that names ETags goes
 * ahead only if the resource's current one is among them. The comparison is
 * strong, so weak tags (W/"…") never match. Called with the row locked, so
 * nothing changes between the check and the write.
 */
export function checkIfMatch(ifMatch: string | undefined, current: string, resource: { kind: string; id: string }): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new FentaError(
    'REQUEST_PRECONDITION_FAILED',
    { resource: resource.kind, id: resource.id, given: ifMatch.length > 200 ? `${ifMatch.slice(0, 200)}…` : ifMatch, current },
    { details: { etag: current } },
  );
}
