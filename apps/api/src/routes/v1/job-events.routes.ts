import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { finalJobEventTypes, getOrgJob, jobEventTypes, listJobEvents, type DB, type JobEventType } from '@fenta/db';
import type { Transaction } from 'kysely';
import { required, type ApiContext } from '../../api-context';
import { JobEventStream, type EventBatch } from '../../events/job-event-stream';
import { errorResponses } from '../../http/error-responses';
import { asTenant } from '../../tenancy/as-tenant';

const jobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9_-]{1,100}$', description: 'A job id, `job_…`.' }) });
// Event numbers fit an INTEGER column; nine digits are more events than any job makes.
const eventId = (description: string) => Type.String({ pattern: '^[0-9]{1,9}$', description });

/** Events read per query; a job's whole history is usually a few hundred. */
const pageSize = 200;
const endedStatuses = new Set(['completed', 'failed', 'cancelled']);

/**
 * `GET /v1/jobs/:id/events`: the job's events as Server-Sent Events, from
 * the first (or after `Last-Event-ID`) and then live as they commit, woken
 * by the API's one LISTEN connection. Ends after the job's last event.
 */
export async function registerJobEventRoutes(parent: FastifyInstance, context: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = context;
  // Open streams never finish on their own: closing the app ends them first, so it does not wait on them.
  const open = new Set<JobEventStream>();
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });

  app.get(
    '/jobs/:id/events',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['jobs'],
        summary: "Follow a job's events as Server-Sent Events",
        description:
          `Each event: \`id: <seq>\` (1, 2, 3, … within the job), \`event: <type>\` (${jobEventTypes.map((type) => `\`${type}\``).join(', ')}) ` +
          'and `data: <JSON>` with `job_id`, `seq`, `type`, `created_at` and what the type tells (`progress`; `node_id`, `node_type`, `attempt`, ' +
          "`duration_ms`, `cost_usd` or `error`; `status` with `result` or `error`; a preview's `render_id`, `profile`, `video_url`, `thumbnail_url`, `srt_url`, `duration`, `resolution`). Reconnect with `Last-Event-ID` (or `?last_event_id=`) " +
          'to get exactly the events after it. The stream ends after `job.completed`, `job.failed` or `job.cancelled`; an idle one carries a ' +
          'heartbeat comment now and then.',
        params: jobIdParams,
        headers: Type.Object({ 'last-event-id': Type.Optional(eventId('The id of the last event received.')) }),
        querystring: Type.Object(
          { last_event_id: Type.Optional(eventId('The same as Last-Event-ID, for clients that cannot set headers.')) },
          { additionalProperties: false },
        ),
        response: {
          200: { description: 'The event stream.', content: { 'text/event-stream': { schema: Type.String() } } },
          ...errorResponses('JOB_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const jobEvents = required(context.jobEvents, 'a job event listener');
      const jobId = request.params.id;
      const after = Number(request.headers['last-event-id'] ?? request.query.last_event_id ?? 0);
      const findJob = async (trx: Transaction<DB>, orgId: string) => {
        const job = await getOrgJob(trx, orgId, jobId);
        if (!job) throw new FentaError('JOB_NOT_FOUND', { job: jobId });
        return job;
      };
      const read = (cursor: number): Promise<EventBatch> =>
        asTenant(db, request, async ({ trx, caller }) => {
          // The job first: if it has ended, every event it has is committed and read below.
          const job = await findJob(trx, caller.orgId);
          const page = await listJobEvents(trx, { orgId: caller.orgId, jobId, afterSeq: cursor, limit: pageSize + 1 });
          const events = page.slice(0, pageSize);
          const more = page.length > pageSize;
          const sawEnd = events.some((event) => finalJobEventTypes.includes(event.type as JobEventType));
          return { events, more, finished: !more && (sawEnd || endedStatuses.has(job.status)) };
        });

      // Another org's job answers as a missing one, before anything is subscribed.
      await asTenant(db, request, ({ trx, caller }) => findJob(trx, caller.orgId));
      let unsubscribe: () => void = () => undefined;
      const stream = new JobEventStream({
        after,
        read,
        heartbeatMs: context.eventHeartbeatMs,
        logger: request.log,
        onEnd: () => {
          unsubscribe();
          open.delete(stream);
        },
      });
      open.add(stream);
      try {
        // Subscribed before the first read, so an event committing during or after that read wakes the stream.
        unsubscribe = await jobEvents.subscribe(jobId, () => stream.wake());
        stream.begin(await read(after));
      } catch (error) {
        // Nothing was sent yet: the client gets the coded error (503 when the database is away).
        stream.end();
        throw error;
      }
      // The client going away ends the stream; so does the response finishing.
      reply.raw.once('close', () => stream.end());
      reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        // nginx buffers responses unless told not to; an event must reach the client when it happens.
        .header('x-accel-buffering', 'no');
      // The schema types the 200 body as the text it is on the wire; what is sent is the stream of it.
      return reply.send(stream.body as unknown as string);
    },
  );
}
