import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { deleteSchedule, findSchedule, insertSchedule, isLiveWorkflow, listSchedules, lockSchedule, updateSchedule, type Schedule } from '@fenta/db';
import { checkScheduleTiming, formatInTimeZone, nextFireTimes, type ScheduleTiming } from '@fenta/jobs';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { stringEnum } from '../../http/string-enum';
import { asTenant } from '../../tenancy/as-tenant';

const timestamp = Type.String({ format: 'date-time' });
const nullableTimestamp = Type.Union([timestamp, Type.Null()]);
const workflowId = Type.String({ pattern: '^wf_[A-Za-z0-9_-]{1,100}$', description: 'A workflow of your org, `wf_…`.' });
const cron = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Five fields, minute hour day-of-month month day-of-week (`0 10 * * *`), or @hourly, @daily, @weekly, @monthly, @yearly.',
});
const timezone = Type.String({ minLength: 1, maxLength: 64, description: 'The IANA time zone the expression is read in (`Europe/Berlin`); UTC if left out.' });

const missedRunsValues = ['run_last', 'skip'] as const;
const overlapValues = ['skip', 'allow'] as const;
const missedRuns = stringEnum(missedRunsValues, {
  description: 'Ticks missed while the scheduler was away longer than its grace period: `run_last` runs the last of them once, `skip` runs none.',
});
const overlap = stringEnum(overlapValues, {
  description: 'A tick that comes while the previous run of this schedule is still queued or processing: `skip` it, or `allow` it to run too.',
});

const scheduleSchema = Type.Object(
  {
    id: Type.String(),
    workflow_id: Type.String(),
    cron: Type.String(),
    timezone: Type.String({ description: 'Canonical IANA name.' }),
    enabled: Type.Boolean(),
    next_run_at: Type.Union([timestamp, Type.Null()], { description: 'When it fires next (UTC); null while disabled.' }),
    last_run_at: nullableTimestamp,
    run_count: Type.Integer(),
    missed_runs: missedRuns,
    overlap,
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Schedule' },
);

const scheduleIdParams = Type.Object({ id: Type.String({ pattern: '^sched_[A-Za-z0-9_-]{1,100}$', description: 'A schedule id, `sched_…`.' }) });

/** How many upcoming fire times GET /v1/schedules/:id shows. */
const shownFireTimes = 5;

/**
 * Cron schedules of the caller's org's workflows: list, create, read (with
 * the next five fire times in the schedule's zone), change, delete. The
 * expression and zone are checked and next_run_at computed by
 * @fenta/jobs' schedule-times, the module the scheduler fires with. Firing is
 * the scheduler's; this only keeps the schedules.
 */
export async function registerScheduleRoutes(parent: FastifyInstance, { db, clock }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/schedules',
    {
      config: { scope: 'schedules:read' },
      schema: {
        tags: ['schedules'],
        summary: "List the org's schedules, newest first",
        querystring: Type.Object({ ...pageQuery, workflow_id: Type.Optional(workflowId) }),
        response: { 200: pageSchema(scheduleSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const after = decodeCursor('schedules', request.query.cursor, 'sched');
      const rows = await asTenant(db, request, ({ trx, caller }) =>
        listSchedules(trx, { orgId: caller.orgId, after, limit: request.query.limit + 1, workflowId: request.query.workflow_id }),
      );
      return toPage('schedules', rows, request.query.limit, scheduleView);
    },
  );

  app.post(
    '/schedules',
    {
      config: { scope: 'schedules:write' },
      schema: {
        tags: ['schedules'],
        summary: 'Schedule a workflow',
        body: Type.Object(
          {
            workflow_id: workflowId,
            cron,
            timezone: Type.Optional(timezone),
            enabled: Type.Optional(Type.Boolean({ default: true })),
            missed_runs: Type.Optional(missedRuns),
            overlap: Type.Optional(overlap),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ schedule: scheduleSchema }),
          ...errorResponses('SCHEDULE_CRON_INVALID', 'SCHEDULE_TIMEZONE_INVALID', 'WORKFLOW_NOT_FOUND', 'ROLE_FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { workflow_id, enabled = true, missed_runs = 'run_last', overlap = 'skip' } = request.body;
      const timing = checkedTiming(request.body.cron, request.body.timezone ?? 'UTC');
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        if (!(await isLiveWorkflow(trx, caller.orgId, workflow_id))) throw new FentaError('WORKFLOW_NOT_FOUND', { workflow: workflow_id });
        const created = await insertSchedule(trx, {
          orgId: caller.orgId,
          createdBy: caller.userId,
          workflow_id,
          ...timing,
          enabled,
          next_run_at: nextRunAt(timing, enabled, clock()),
          missed_runs,
          overlap,
        });
        await audit({ action: 'create', resourceType: 'schedule', resourceId: created.id, changes: { after: scheduleView(created) } });
        return created;
      });
      return reply.status(201).send({ schedule: scheduleView(row) });
    },
  );

  app.get(
    '/schedules/:id',
    {
      config: { scope: 'schedules:read' },
      schema: {
        tags: ['schedules'],
        summary: 'A schedule and the next five times it fires',
        params: scheduleIdParams,
        response: {
          200: Type.Object({
            schedule: scheduleSchema,
            next_fire_times: Type.Array(Type.String(), {
              description: "The next five fire times as ISO 8601 in the schedule's zone with its offset (`2025-03-30T03:30:00+02:00`); empty while disabled.",
            }),
          }),
          ...errorResponses('SCHEDULE_NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const row = await asTenant(db, request, ({ trx, caller }) => findSchedule(trx, caller.orgId, request.params.id));
      if (!row) throw new FentaError('SCHEDULE_NOT_FOUND', { schedule: request.params.id });
      const times = row.enabled ? nextFireTimes(row, clock(), shownFireTimes) : [];
      return { schedule: scheduleView(row), next_fire_times: times.map((time) => formatInTimeZone(time, row.timezone)) };
    },
  );

  app.patch(
    '/schedules/:id',
    {
      config: { scope: 'schedules:write' },
      schema: {
        tags: ['schedules'],
        summary: "Change a schedule's workflow, expression, zone, policies or whether it is enabled",
        params: scheduleIdParams,
        body: Type.Object(
          {
            workflow_id: Type.Optional(workflowId),
            cron: Type.Optional(cron),
            timezone: Type.Optional(timezone),
            enabled: Type.Optional(Type.Boolean()),
            missed_runs: Type.Optional(missedRuns),
            overlap: Type.Optional(overlap),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: {
          200: Type.Object({ schedule: scheduleSchema }),
          ...errorResponses('SCHEDULE_NOT_FOUND', 'SCHEDULE_CRON_INVALID', 'SCHEDULE_TIMEZONE_INVALID', 'WORKFLOW_NOT_FOUND', 'ROLE_FORBIDDEN'),
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const changes = request.body;
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await lockSchedule(trx, caller.orgId, id);
        if (!before) throw new FentaError('SCHEDULE_NOT_FOUND', { schedule: id });
        const retimed = changes.cron !== undefined || changes.timezone !== undefined;
        const timing = retimed
          ? checkedTiming(changes.cron ?? before.cron, changes.timezone ?? before.timezone)
          : { cron: before.cron, timezone: before.timezone };
        const workflow = changes.workflow_id ?? before.workflow_id;
        if (changes.workflow_id !== undefined && !(await isLiveWorkflow(trx, caller.orgId, workflow))) {
          throw new FentaError('WORKFLOW_NOT_FOUND', { workflow });
        }
        const enabled = changes.enabled ?? before.enabled;
        // A new expression, zone or enabling counts from now; otherwise the scheduler's next_run_at stands.
        const next = retimed || enabled !== before.enabled ? nextRunAt(timing, enabled, clock()) : before.next_run_at;
        const after = await updateSchedule(trx, caller.orgId, id, {
          workflow_id: workflow,
          ...timing,
          enabled,
          next_run_at: next,
          missed_runs: changes.missed_runs ?? (before.missed_runs as 'run_last' | 'skip'),
          overlap: changes.overlap ?? (before.overlap as 'skip' | 'allow'),
        });
        if (!after) throw new FentaError('SCHEDULE_NOT_FOUND', { schedule: id });
        await audit({ action: 'update', resourceType: 'schedule', resourceId: id, changes: { before: scheduleView(before), after: scheduleView(after) } });
        return after;
      });
      return { schedule: scheduleView(row) };
    },
  );

  app.delete(
    '/schedules/:id',
    {
      config: { scope: 'schedules:write' },
      schema: {
        tags: ['schedules'],
        summary: 'Delete a schedule (the jobs it started stay)',
        params: scheduleIdParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...errorResponses('SCHEDULE_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await findSchedule(trx, caller.orgId, id);
        if (!before || !(await deleteSchedule(trx, caller.orgId, id))) throw new FentaError('SCHEDULE_NOT_FOUND', { schedule: id });
        await audit({ action: 'delete', resourceType: 'schedule', resourceId: id, changes: { before: scheduleView(before) } });
      });
      return reply.status(204).send(null);
    },
  );
}

/** The checked timing, or a 400 naming the field that is wrong. */
function checkedTiming(cronExpression: string, zone: string): ScheduleTiming {
  const check = checkScheduleTiming({ cron: cronExpression, timezone: zone });
  if (check.ok) return check.timing;
  const { field, message } = check.problem;
  const details = { problems: [{ path: `body.${field}`, message }] };
  if (field === 'timezone') throw new FentaError('SCHEDULE_TIMEZONE_INVALID', { timezone: JSON.stringify(zone) }, { details });
  throw new FentaError('SCHEDULE_CRON_INVALID', { cron: JSON.stringify(cronExpression), reason: message }, { details });
}

function nextRunAt(timing: ScheduleTiming, enabled: boolean, now: Date): Date | null {
  return enabled ? (nextFireTimes(timing, now, 1)[0] ?? null) : null;
}

function scheduleView(row: Schedule) {
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    cron: row.cron,
    timezone: row.timezone,
    enabled: row.enabled,
    next_run_at: row.next_run_at?.toISOString() ?? null,
    last_run_at: row.last_run_at?.toISOString() ?? null,
    run_count: row.run_count,
    missed_runs: row.missed_runs as (typeof missedRunsValues)[number],
    overlap: row.overlap as (typeof overlapValues)[number],
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
