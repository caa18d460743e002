import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError, type ErrorCode } from '@fenta/core';
import { cancelUnclaimedJob, getOrgJob, listJobNodes, listOrgJobs, pageJobLogs, requestJobCancel } from '@fenta/db';
import { maxOutputProfiles, publishedProfileNames } from '@fenta/graph';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { idempotencyHeaders } from '../../http/idempotency';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';
import { createAndAnswer } from './job-creation';
import { auditedJobState, jobDetailSchema, jobLogSchema, jobLogView, jobNodesView, jobSchema, jobStatusSchema, jobView, stringEnum } from './job-views';

const jobIdParams = Type.Object({ id: Type.String({ pattern: '^job_[A-Za-z0-9_-]{1,100}$', description: 'A job id, `job_…`.' }) });
const freeObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

// What a graph can be refused for: validateGraph's codes (details.problems lists every problem with its path).
const graphCodes: ErrorCode[] = [
  'GRAPH_SHAPE_INVALID',
  'GRAPH_TOO_LARGE',
  'GRAPH_ID_INVALID',
  'GRAPH_NODE_DUPLICATE',
  'GRAPH_NODE_TYPE_UNKNOWN',
  'NODE_PARAM_INVALID',
  'GRAPH_EDGE_NODE_MISSING',
  'GRAPH_PORT_INCOMPATIBLE',
  'GRAPH_CYCLE',
  'GRAPH_NO_OUTPUT',
  'GRAPH_OUTPUT_DUPLICATE',
  'GRAPH_NODE_UNUSED',
];
const creationCodes: ErrorCode[] = [...graphCodes, 'TEMPLATE_NOT_FOUND', 'QUOTA_EXCEEDED', 'IDEMPOTENCY_KEY_REUSED', 'ROLE_FORBIDDEN'];

const createBody = Type.Object(
  {
    workflow_id: Type.Optional(Type.String({ pattern: '^wf_[A-Za-z0-9_-]{1,100}$', description: 'Run this saved workflow; or give `graph`.' })),
    workflow_version: Type.Optional(Type.Integer({ minimum: 1, description: "With workflow_id: run this version; the workflow's current graph by default." })),
    graph: Type.Optional(freeObject('An inline workflow graph `{nodes, edges}`; or give `workflow_id`.')),
    template_id: Type.Optional(Type.String({ pattern: '^tmpl_[A-Za-z0-9_-]{1,100}$', description: 'Every node that takes a template uses this one.' })),
    variables: Type.Optional(freeObject("Overlaid on the workflow's variables.")),
    output_profile: Type.Optional(stringEnum(publishedProfileNames, { description: 'Render with this output profile.' })),
    output_profiles: Type.Optional(
      Type.Array(stringEnum(publishedProfileNames), {
        maxItems: maxOutputProfiles - 1,
        uniqueItems: true,
        description:
          'Also render the same timeline for these profiles (e.g. `["1x1_1080p", "16x9_1080p"]` beside a 9:16 video), each retargeted to its frame, ' +
          "each its own render with its own files; `output_profile` (or the graph's) stays the main one that `result` names.",
      }),
    ),
    preview: Type.Optional(
      Type.Boolean({
        description:
          'Render a fast 540x960 draft (profile `preview`) first: it is recorded as a render of the job as soon as it is made, ' +
          'with the job event and webhook `render.preview_ready`, before the full render finishes.',
      }),
    ),
  },
  { additionalProperties: false },
);

const retryBody = Type.Union([
  Type.Object(
    { graph: Type.Optional(freeObject("Run this graph instead of the parent's; its unchanged nodes still start from the parent's checkpoints.")) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const listQuery = Type.Object({
  ...pageQuery,
  status: Type.Optional(jobStatusSchema),
  workflow_id: Type.Optional(Type.String({ pattern: '^wf_[A-Za-z0-9_-]{1,100}$' })),
  created_after: Type.Optional(Type.String({ format: 'date-time', description: 'Only jobs created after this instant.' })),
  created_before: Type.Optional(Type.String({ format: 'date-time', description: 'Only jobs created before this instant.' })),
});

const finished = new Set(['completed', 'failed', 'cancelled']);

/**
 * Jobs of the caller's org: create one (a workflow or an inline graph; quota
 * reserved at once; `Idempotency-Key` honoured), read it with its nodes and
 * costs, list and filter them, read a job's log, cancel one, and retry a
 * failed or cancelled one from its checkpoints. Creation goes through
 * `createJob`, the path the scheduler and the CLI take too.
 */
export async function registerJobRoutes(parent: FastifyInstance, context: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = context;

  app.post(
    '/jobs',
    {
      config: { scope: 'jobs:execute' },
      schema: {
        tags: ['jobs'],
        summary: 'Run a workflow or an inline graph; the job is queued at once',
        description:
          'Answers 202 with the queued job. Its estimated usage is reserved against the org quota (402 QUOTA_EXCEEDED names what is exhausted). ' +
          'With `Idempotency-Key`, the same request made again gets the same job and the same response.',
        headers: idempotencyHeaders,
        body: createBody,
        response: { 202: Type.Object({ job: jobSchema }), ...errorResponses('WORKFLOW_NOT_FOUND', 'WORKFLOW_VERSION_NOT_FOUND', ...creationCodes) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const problems = [
        ...(body.workflow_id === undefined && body.graph === undefined ? [{ path: 'body', message: 'needs workflow_id or graph' }] : []),
        ...(body.workflow_id !== undefined && body.graph !== undefined ? [{ path: 'body.graph', message: 'cannot be given with workflow_id' }] : []),
        ...(body.workflow_version !== undefined && body.workflow_id === undefined ? [{ path: 'body.workflow_version', message: 'needs workflow_id' }] : []),
      ];
      if (problems.length > 0) {
        throw new FentaError('REQUEST_INVALID', { reason: problems.map((p) => `${p.path} ${p.message}`).join('; ') }, { details: { problems } });
      }
      return createAndAnswer(context, request, reply, 'create', {
        workflowId: body.workflow_id,
        workflowVersion: body.workflow_version,
        graph: body.graph,
        templateId: body.template_id,
        variables: body.variables,
        outputProfile: body.output_profile,
        outputProfiles: body.output_profiles,
        preview: body.preview,
      });
    },
  );

  app.get(
    '/jobs',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['jobs'],
        summary: "List the org's jobs, newest first",
        querystring: listQuery,
        response: { 200: pageSchema(jobSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const query = request.query;
      const before = decodeCursor('jobs', query.cursor, 'job');
      const rows = await asTenant(db, request, ({ trx, caller }) =>
        listOrgJobs(trx, caller.orgId, {
          status: query.status,
          workflowId: query.workflow_id,
          createdAfter: query.created_after === undefined ? undefined : new Date(query.created_after),
          createdBefore: query.created_before === undefined ? undefined : new Date(query.created_before),
          before,
          limit: query.limit + 1,
        }),
      );
      return toPage('jobs', rows, query.limit, (row) => jobView(row, row.current_node));
    },
  );

  app.get(
    '/jobs/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['jobs'],
        summary: 'A job: status, progress, each node, costs, result or error',
        params: jobIdParams,
        response: { 200: Type.Object({ job: jobDetailSchema }), ...errorResponses('JOB_NOT_FOUND') },
      },
    },
    async (request) => {
      const { job, nodes } = await asTenant(db, request, async ({ trx, caller }) => {
        const row = await getOrgJob(trx, caller.orgId, request.params.id);
        if (!row) throw new FentaError('JOB_NOT_FOUND', { job: request.params.id });
        return { job: row, nodes: await listJobNodes(trx, caller.orgId, row.id) };
      });
      const running = nodes.filter((node) => node.status === 'running').sort((a, b) => (b.started_at?.getTime() ?? 0) - (a.started_at?.getTime() ?? 0));
      return { job: { ...jobView(job, running[0]?.node_id ?? null), nodes: jobNodesView(job, nodes) } };
    },
  );

  app.get(
    '/jobs/:id/logs',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['jobs'],
        summary: "A job's log, oldest first",
        params: jobIdParams,
        querystring: Type.Object(pageQuery),
        response: { 200: pageSchema(jobLogSchema), ...errorResponses('JOB_NOT_FOUND', 'CURSOR_INVALID') },
      },
    },
    async (request) => {
      const jobId = request.params.id;
      // A cursor names its job's log: one handed out for another job's is refused.
      const list = `job-logs:${jobId}`;
      const after = decodeCursor(list, request.query.cursor, 'log');
      const rows = await asTenant(db, request, async ({ trx, caller }) => {
        if (!(await getOrgJob(trx, caller.orgId, jobId))) throw new FentaError('JOB_NOT_FOUND', { job: jobId });
        return pageJobLogs(trx, jobId, { after, limit: request.query.limit + 1 });
      });
      return toPage(list, rows, request.query.limit, jobLogView);
    },
  );

  app.post(
    '/jobs/:id/cancel',
    {
      config: { scope: 'jobs:execute' },
      schema: {
        tags: ['jobs'],
        summary: 'Stop a job: a queued one is cancelled at once, a running one stops before its next node',
        params: jobIdParams,
        response: { 200: Type.Object({ job: jobSchema }), ...errorResponses('JOB_NOT_FOUND', 'JOB_ALREADY_FINISHED', 'ROLE_FORBIDDEN') },
      },
    },
    async (request) => {
      const jobId = request.params.id;
      const after = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await getOrgJob(trx, caller.orgId, jobId);
        if (!before) throw new FentaError('JOB_NOT_FOUND', { job: jobId });
        if (finished.has(before.status)) throw new FentaError('JOB_ALREADY_FINISHED', { job: jobId, status: before.status });
        // The tenant's own write (jobs_update_cancel); a run that holds the job sees it at its next check.
        if (!(await requestJobCancel(trx, caller.orgId, jobId))) throw await alreadyFinished(trx, caller.orgId, jobId);
        // Nothing holds a queued job to notice the request: it ends now (the system's write, 00013).
        await cancelUnclaimedJob(trx, jobId);
        const row = (await getOrgJob(trx, caller.orgId, jobId))!;
        if (row.status !== before.status || row.cancel_requested_at?.getTime() !== before.cancel_requested_at?.getTime()) {
          await audit({ action: 'cancel', resourceType: 'job', resourceId: jobId, changes: { before: auditedJobState(before), after: auditedJobState(row) } });
        }
        return row;
      });
      // A cancelled job has nothing left to do in the queue; a worker that takes it anyway finds it ended.
      if (after.status === 'cancelled') await removeFromQueue(context, jobId);
      return { job: jobView(after, null) };
    },
  );

  app.post(
    '/jobs/:id/retry',
    {
      config: { scope: 'jobs:execute' },
      schema: {
        tags: ['jobs'],
        summary: 'Run a failed or cancelled job again as a new job that starts from its checkpoints',
        description:
          "Answers 202 with the new job (parent_job_id names this one). Nodes the parent completed whose type, params and upstream are unchanged are not run again: the new job starts from copies of their outputs. Without a body it runs the parent's graph; `graph` runs another one with the parent's variables and templates.",
        headers: idempotencyHeaders,
        params: jobIdParams,
        body: retryBody,
        response: { 202: Type.Object({ job: jobSchema }), ...errorResponses('JOB_NOT_FOUND', 'JOB_NOT_RETRYABLE', ...creationCodes) },
      },
    },
    async (request, reply) => createAndAnswer(context, request, reply, 'retry', { retryOf: request.params.id, graph: request.body?.graph }),
  );
}

/** The refusal for a job that ended between reading and updating it. */
async function alreadyFinished(trx: Parameters<typeof getOrgJob>[0], orgId: string, jobId: string): Promise<FentaError> {
  const row = await getOrgJob(trx, orgId, jobId);
  return row ? new FentaError('JOB_ALREADY_FINISHED', { job: jobId, status: row.status }) : new FentaError('JOB_NOT_FOUND', { job: jobId });
}

/** Best effort, bounded like an add: a Redis that is down must not hold the answer, and a worker taking the job finds it ended anyway. */
async function removeFromQueue(context: ApiContext, jobId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const removal = context
    .renderQueue()
    .remove(jobId)
    .catch((error: unknown) => context.logger.debug({ err: error, jobId }, 'could not remove the cancelled job from the queue'));
  await Promise.race([removal, new Promise<void>((resolve) => (timer = setTimeout(resolve, context.enqueueTimeoutMs ?? 1_000)))]);
  clearTimeout(timer);
}
