import type { FastifyReply, FastifyRequest } from 'fastify';
import { FentaError } from '@fenta/core';
import { storeIdempotentResponse } from '@fenta/db';
import { createJob, type CreateJobInput, type CreatedJob } from '@fenta/jobs';
import type { ApiContext } from '../../api-context';
import { idempotencyKeyOf, keptResponse, replay, requestHashOf } from '../../http/idempotency';
import { asTenant, callerOf } from '../../tenancy/as-tenant';
import { auditedJobState, jobView, type JobView } from './job-views';

/** Thrown inside the creating transaction to roll it back when the key already made its job. */
class KeyAlreadyUsed extends Error {
  constructor(readonly jobId: string) {
    super('the idempotency key already made a job');
  }
}

/**
 * Creates a job for a request (POST /jobs, or a retry) and answers 202 with
 * it: in the caller's tenant transaction, createJob's writes, the audit entry
 * and, with an Idempotency-Key, the kept response commit together. A request
 * repeated with its key is answered from what was kept, before anything is
 * done again; concurrent ones with the same key wait on the first (the key's
 * row, or the job's own unique key) and answer what it kept.
 */
export async function createAndAnswer(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  action: 'create' | 'retry',
  input: Omit<CreateJobInput, 'orgId' | 'createdBy' | 'idempotencyKey'>,
): Promise<FastifyReply> {
  const { db } = context;
  const caller = callerOf(request);
  const key = idempotencyKeyOf(request);
  const requestHash = key === undefined ? undefined : requestHashOf(request);
  if (key !== undefined) {
    const kept = await keptResponse(db, caller.orgId, key, requestHash!);
    if (kept) return replay(reply, kept);
  }

  let answer: { status: number; body: { job: JobView } } | undefined;
  try {
    await createJob(
      { db, queue: context.renderQueue(), registry: context.registry, logger: context.logger, enqueueTimeoutMs: context.enqueueTimeoutMs },
      { ...input, orgId: caller.orgId, createdBy: caller.userId, idempotencyKey: key },
      {
        transaction: (work) =>
          asTenant(db, request, async ({ trx, audit }) => {
            const created: CreatedJob = await work(trx);
            if (!created.created) throw new KeyAlreadyUsed(created.job.id);
            const view = jobView(created.job, null);
            await audit({
              action,
              resourceType: 'job',
              resourceId: created.job.id,
              changes: { after: auditedJobState(created.job) },
              metadata: {
                ...(input.retryOf ? { retry_of: input.retryOf, reused_nodes: created.reusedNodes } : {}),
                reserved: { tokens: created.reserved.tokens, kai_credits: created.reserved.kaiCredits, render_seconds: created.reserved.renderSeconds },
              },
            });
            answer = { status: 202, body: { job: view } };
            if (key !== undefined) {
              const stored = await storeIdempotentResponse(trx, { orgId: caller.orgId, key, requestHash: requestHash!, ...answer, jobId: created.job.id });
              if (!stored) throw new KeyAlreadyUsed(created.job.id);
            }
            return created;
          }),
      },
    );
  } catch (error) {
    if (!(error instanceof KeyAlreadyUsed)) throw error;
    // Another request with this key committed first: answer what it kept.
    const kept = await keptResponse(db, caller.orgId, key!, requestHash!);
    if (kept) return replay(reply, kept);
    throw new FentaError(
      'IDEMPOTENCY_KEY_REUSED',
      { reason: `for job ${error.jobId}, whose response is no longer kept` },
      { details: { job_id: error.jobId } },
    );
  }
  return reply.status(answer!.status).send(answer!.body);
}
