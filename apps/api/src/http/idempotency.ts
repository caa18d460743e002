import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { findIdempotentRequest, type DB, type IdempotentRequest } from '@fenta/db';
import { canonicalJson } from '@fenta/jobs';

/**
 * `Idempotency-Key`, with Stripe's semantics: a request made again with the
 * same key and the same method, path and body gets the first response
 * again (status and body, marked `Idempotent-Replayed: true`) and changes
 * nothing; another request with that key is refused (422
 * IDEMPOTENCY_KEY_REUSED). Keys are per org and kept at least 24 hours.
 * Only a request that did its work keeps its response: one refused (a bad
 * body, no quota) may be made again with the same key.
 */
export const idempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description: 'Makes the request safe to repeat: 1–255 printable ASCII characters, unique per request (e.g. a UUID).',
    }),
  ),
});

export const replayedHeader = 'idempotent-replayed';

/** The request's key, when it has one (the route's header schema has checked its form). */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? key : undefined;
}

/** What identifies a request for its key: a hash of its method, path and body (keys sorted, defaults applied by the schema). */
export function requestHashOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(canonicalJson({ method: request.method, path, body: request.body ?? null }))
    .digest('hex');
}

/**
 * The kept response for this key, when the org has one: the same request's
 * (to answer again), or IDEMPOTENCY_KEY_REUSED when it was another request.
 */
export async function keptResponse(db: Kysely<DB>, orgId: string, key: string, requestHash: string): Promise<IdempotentRequest | undefined> {
  const kept = await findIdempotentRequest(db, orgId, key);
  if (!kept) return undefined;
  if (kept.requestHash !== requestHash) {
    throw new FentaError('IDEMPOTENCY_KEY_REUSED', { reason: 'for another request (another method, path or body)' }, { details: { job_id: kept.jobId } });
  }
  return kept;
}

/** Answers with a kept response, as it was first sent. */
export function replay(reply: FastifyReply, kept: IdempotentRequest): FastifyReply {
  return reply.status(kept.status).header(replayedHeader, 'true').send(kept.body);
}
