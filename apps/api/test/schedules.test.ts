import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

describe('schedules', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;
  let workflowId: string;
  let otherWorkflowId: string;
  // The API's clock, fixed so the next fire times are exact: Thursday before Berlin's spring-forward change.
  let now = new Date('2025-03-27T12:00:00Z');

  beforeAll(async () => {
    bed = await startApiTestbed({ clock: () => now });
    owner = await bed.newOrg('sched-alpha');
    other = await bed.newOrg('sched-beta');
    workflowId = await newWorkflow(owner.orgId);
    otherWorkflowId = await newWorkflow(other.orgId);
  });
  afterAll(() => bed.close());

  async function newWorkflow(orgId: string, deleted = false): Promise<string> {
    const [row] = await bed.database.query<{ id: string }>(
      `INSERT INTO workflows (org_id, name, graph, deleted_at) VALUES ($1, 'daily shorts', '{"nodes": [], "edges": []}', $2) RETURNING id`,
      [orgId, deleted ? new Date() : null],
    );
    return row!.id;
  }

  const call = (caller: TestCaller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    bed.app.inject({ method, url, headers: caller.headers, ...(payload ? { payload } : {}) });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;
  const create = async (caller: TestCaller, payload: object) => {
    const response = await call(caller, 'POST', '/v1/schedules', payload);
    expect(response.statusCode).toBe(201);
    return (response.json() as { schedule: { id: string } & Record<string, unknown> }).schedule;
  };

  it('creates a schedule in its zone, with next_run_at computed there, and audits it', async () => {
    const response = await call(owner, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 10 * * *', timezone: 'europe/berlin' });
    expect(response.statusCode).toBe(201);
    const { schedule } = response.json() as { schedule: Record<string, unknown> & { id: string; created_at: string; updated_at: string } };
    expect(schedule).toEqual({
      id: expect.stringMatching(/^sched_[0-9a-f-]{36}$/) as unknown,
      workflow_id: workflowId,
      cron: '0 10 * * *',
      timezone: 'Europe/Berlin',
      enabled: true,
      next_run_at: '2025-03-28T09:00:00.000Z',
      last_run_at: null,
      run_count: 0,
      missed_runs: 'run_last',
      overlap: 'skip',
      created_by: owner.userId,
      created_at: schedule.created_at,
      updated_at: schedule.updated_at,
    });
    const rows = await bed.database.query(`SELECT org_id, cron, timezone, next_run_at FROM schedules WHERE id = $1`, [schedule.id]);
    expect(rows).toEqual([{ org_id: owner.orgId, cron: '0 10 * * *', timezone: 'Europe/Berlin', next_run_at: new Date('2025-03-28T09:00:00Z') }]);
    const audit = await bed.database.query(`SELECT user_id, action, resource_type, changes->'after'->>'cron' AS cron FROM audit_logs WHERE resource_id = $1`, [
      schedule.id,
    ]);
    expect(audit).toEqual([{ user_id: owner.userId, action: 'create', resource_type: 'schedule', cron: '0 10 * * *' }]);
  });

  it('takes the missed-runs and overlap policies, changes them, and refuses others naming the field', async () => {
    const schedule = await create(owner, { workflow_id: workflowId, cron: '0 * * * *', missed_runs: 'skip', overlap: 'allow' });
    expect([schedule.missed_runs, schedule.overlap]).toEqual(['skip', 'allow']);
    const changed = await call(owner, 'PATCH', `/v1/schedules/${schedule.id}`, { overlap: 'skip' });
    expect(changed.statusCode).toBe(200);
    expect((changed.json() as { schedule: Record<string, unknown> }).schedule).toMatchObject({ missed_runs: 'skip', overlap: 'skip' });
    const rows = await bed.database.query(`SELECT missed_runs, overlap FROM schedules WHERE id = $1`, [schedule.id]);
    expect(rows).toEqual([{ missed_runs: 'skip', overlap: 'skip' }]);

    const refused = await call(owner, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 * * * *', missed_runs: 'all' });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'body.missed_runs', message: 'must be one of: run_last, skip' }] },
    });
  });

  it('shows the next five fire times across the spring-forward change exactly, with their offsets', async () => {
    // 2025-03-30, the last Sunday of March: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
    const schedule = await create(owner, { workflow_id: workflowId, cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    expect(schedule.next_run_at).toBe('2025-03-28T01:30:00.000Z');
    const response = await call(owner, 'GET', `/v1/schedules/${schedule.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      schedule,
      next_fire_times: [
        '2025-03-28T02:30:00+01:00',
        '2025-03-29T02:30:00+01:00',
        '2025-03-30T03:30:00+02:00',
        '2025-03-31T02:30:00+02:00',
        '2025-04-01T02:30:00+02:00',
      ],
    });
  });

  it('reads UTC when no zone is given, and a disabled schedule has no next run', async () => {
    const schedule = await create(owner, { workflow_id: workflowId, cron: '@hourly', enabled: false });
    expect(schedule).toMatchObject({ cron: '@hourly', timezone: 'UTC', enabled: false, next_run_at: null });
    expect((await call(owner, 'GET', `/v1/schedules/${schedule.id}`)).json()).toEqual({ schedule, next_fire_times: [] });
    const enabled = await call(owner, 'PATCH', `/v1/schedules/${schedule.id}`, { enabled: true });
    expect(enabled.statusCode).toBe(200);
    expect((enabled.json() as { schedule: unknown }).schedule).toMatchObject({ enabled: true, next_run_at: '2025-03-27T13:00:00.000Z' });
  });

  it.each([
    ['61 * * * *', 'Cron expression "61 * * * *" does not parse: Constraint error, got value 61 expected range 0-59'],
    ['* * * *', 'Cron expression "* * * *" must have 5 fields (minute hour day-of-month month day-of-week), not 4'],
    ['*/5 * * * * *', 'Cron expression "*/5 * * * * *" must have 5 fields (minute hour day-of-month month day-of-week), not 6'],
    ['0 0 30 2 *', 'Cron expression "0 0 30 2 *" does not parse: Invalid explicit day of month definition'],
    ['H * * * *', 'Cron expression "H * * * *" must not use H (hashed) values'],
  ])('refuses the cron expression %j naming body.cron', async (cron, message) => {
    const response = await call(owner, 'POST', '/v1/schedules', { workflow_id: workflowId, cron, timezone: 'UTC' });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toEqual({
      code: 'SCHEDULE_CRON_INVALID',
      message,
      details: { problems: [{ path: 'body.cron', message: message.slice(`Cron expression ${JSON.stringify(cron)} `.length) }] },
      request_id: response.headers['x-request-id'],
    });
  });

  it.each(['Mars/Olympus', '+01:00', 'Europe/Berlin ', 'local'])('refuses the zone %j naming body.timezone', async (timezone) => {
    const response = await call(owner, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 10 * * *', timezone });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toEqual({
      code: 'SCHEDULE_TIMEZONE_INVALID',
      message: `Time zone ${JSON.stringify(timezone)} is not an IANA time zone (e.g. Europe/Berlin, UTC)`,
      details: { problems: [{ path: 'body.timezone', message: `${JSON.stringify(timezone)} is not an IANA time zone (e.g. Europe/Berlin, UTC)` }] },
      request_id: response.headers['x-request-id'],
    });
  });

  it('names unknown and malformed fields of the body', async () => {
    const unknown = await call(owner, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 10 * * *', next_run_at: '2020-01-01T00:00:00Z' });
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'body.next_run_at' }] } });
    const badId = await call(owner, 'POST', '/v1/schedules', { workflow_id: '../wf', cron: '0 10 * * *' });
    expect(errorOf(badId)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'body.workflow_id' }] } });
    const empty = await call(owner, 'PATCH', `/v1/schedules/sched_x`, {});
    expect(empty.statusCode).toBe(400);
    expect(errorOf(empty).code).toBe('REQUEST_INVALID');
  });

  it("answers another org's workflow, a deleted one and a missing one as not found, and writes nothing", async () => {
    const deleted = await newWorkflow(owner.orgId, true);
    for (const id of [otherWorkflowId, deleted, 'wf_missing']) {
      const response = await call(owner, 'POST', '/v1/schedules', { workflow_id: id, cron: '0 10 * * *' });
      expect(response.statusCode).toBe(404);
      expect(errorOf(response)).toEqual({ code: 'WORKFLOW_NOT_FOUND', message: `Workflow ${id} not found`, request_id: response.headers['x-request-id'] });
    }
    expect(await bed.database.query(`SELECT id FROM schedules WHERE workflow_id = ANY($1)`, [[otherWorkflowId, deleted]])).toEqual([]);
  });

  it("answers another org's schedule exactly like a missing one", async () => {
    const theirs = await create(other, { workflow_id: otherWorkflowId, cron: '0 10 * * *' });
    for (const [method, payload] of [['GET'], ['PATCH', { enabled: false }], ['DELETE']] as const) {
      const foreign = await call(owner, method, `/v1/schedules/${theirs.id}`, payload);
      const missing = await call(owner, method, `/v1/schedules/sched_missing`, payload);
      expect([foreign.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(errorOf(foreign)).toEqual({ code: 'SCHEDULE_NOT_FOUND', message: `Schedule ${theirs.id} not found`, request_id: foreign.headers['x-request-id'] });
      expect(errorOf(missing).code).toBe('SCHEDULE_NOT_FOUND');
    }
    const list = (await call(owner, 'GET', '/v1/schedules?limit=100')).json() as { data: Array<{ id: string }> };
    expect(list.data.map((s) => s.id)).not.toContain(theirs.id);
    const moved = await call(other, 'PATCH', `/v1/schedules/${theirs.id}`, { workflow_id: workflowId });
    expect(errorOf(moved).code).toBe('WORKFLOW_NOT_FOUND');
    expect(await bed.database.query(`SELECT workflow_id, enabled FROM schedules WHERE id = $1`, [theirs.id])).toEqual([
      { workflow_id: otherWorkflowId, enabled: true },
    ]);
  });

  it('changes the expression and zone, counting the next run from now, and audits before and after', async () => {
    const schedule = await create(owner, { workflow_id: workflowId, cron: '0 10 * * *', timezone: 'UTC' });
    now = new Date('2025-10-24T12:00:00Z');
    try {
      const response = await call(owner, 'PATCH', `/v1/schedules/${schedule.id}`, { cron: '30 2 * * *', timezone: 'Europe/Berlin' });
      expect(response.statusCode).toBe(200);
      expect((response.json() as { schedule: unknown }).schedule).toMatchObject({
        cron: '30 2 * * *',
        timezone: 'Europe/Berlin',
        next_run_at: '2025-10-25T00:30:00.000Z',
      });
      // 2025-10-26 falls back from 03:00 CEST to 02:00 CET: 02:30 happens twice and fires once.
      expect(((await call(owner, 'GET', `/v1/schedules/${schedule.id}`)).json() as { next_fire_times: string[] }).next_fire_times).toEqual([
        '2025-10-25T02:30:00+02:00',
        '2025-10-26T02:30:00+02:00',
        '2025-10-27T02:30:00+01:00',
        '2025-10-28T02:30:00+01:00',
        '2025-10-29T02:30:00+01:00',
      ]);
      const bad = await call(owner, 'PATCH', `/v1/schedules/${schedule.id}`, { timezone: 'Nowhere/Land' });
      expect(errorOf(bad).code).toBe('SCHEDULE_TIMEZONE_INVALID');
      const audit = await bed.database.query(
        `SELECT changes->'before'->>'cron' AS before, changes->'after'->>'cron' AS after FROM audit_logs WHERE resource_id = $1 AND action = 'update'`,
        [schedule.id],
      );
      expect(audit).toEqual([{ before: '0 10 * * *', after: '30 2 * * *' }]);
    } finally {
      now = new Date('2025-03-27T12:00:00Z');
    }
  });

  it('deletes a schedule; the jobs it started stay, without it', async () => {
    const schedule = await create(owner, { workflow_id: workflowId, cron: '0 10 * * *' });
    const [job] = await bed.database.query<{ id: string }>(
      `INSERT INTO jobs (org_id, workflow_id, schedule_id, config) VALUES ($1, $2, $3, '{}') RETURNING id`,
      [owner.orgId, workflowId, schedule.id],
    );
    const response = await call(owner, 'DELETE', `/v1/schedules/${schedule.id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await bed.database.query(`SELECT id FROM schedules WHERE id = $1`, [schedule.id])).toEqual([]);
    expect(await bed.database.query(`SELECT schedule_id FROM jobs WHERE id = $1`, [job!.id])).toEqual([{ schedule_id: null }]);
    expect(await bed.database.query(`SELECT action FROM audit_logs WHERE resource_id = $1 ORDER BY created_at`, [schedule.id])).toEqual([
      { action: 'create' },
      { action: 'delete' },
    ]);
    expect((await call(owner, 'DELETE', `/v1/schedules/${schedule.id}`)).statusCode).toBe(404);
  });

  it('lets viewers read but not write, and needs the scopes', async () => {
    const viewer = await bed.member(owner, 'viewer');
    expect((await call(viewer, 'GET', '/v1/schedules')).statusCode).toBe(200);
    const write = await call(viewer, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 10 * * *' });
    expect(write.statusCode).toBe(403);
    expect(errorOf(write)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'schedules:write' } });
    const editor = await bed.member(owner, 'editor', ['schedules:write']);
    expect(errorOf(await call(editor, 'GET', '/v1/schedules')).code).toBe('SCOPE_MISSING');
    expect((await call(editor, 'POST', '/v1/schedules', { workflow_id: workflowId, cron: '0 10 * * *' })).statusCode).toBe(201);
  });

  it("pages through the org's schedules newest first, and filters by workflow", async () => {
    const second = await newWorkflow(owner.orgId);
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await create(owner, { workflow_id: second, cron: `${i} 10 * * *` })).id);
    const first = (await call(owner, 'GET', `/v1/schedules?workflow_id=${second}&limit=2`)).json() as { data: Array<{ id: string }>; next_cursor: string };
    expect(first.data.map((s) => s.id)).toEqual([made[2], made[1]]);
    const rest = (await call(owner, 'GET', `/v1/schedules?workflow_id=${second}&limit=2&cursor=${first.next_cursor}`)).json() as {
      data: Array<{ id: string }>;
      next_cursor: null;
    };
    expect(rest).toEqual({ data: [expect.objectContaining({ id: made[0] })], next_cursor: null });
    expect(errorOf(await call(owner, 'GET', '/v1/schedules?cursor=bogus')).code).toBe('CURSOR_INVALID');
  });
});
