import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

describe('usage', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;
  let now = new Date('2025-06-15T12:00:00Z');

  beforeAll(async () => {
    bed = await startApiTestbed({ clock: () => now });
    owner = await bed.newOrg('usage-alpha');
    other = await bed.newOrg('usage-beta');
    await bed.database.query(
      `INSERT INTO quota_limits (org_id, tokens_limit, render_seconds_limit, reset_at, overage_cap_usd) VALUES ($1, 1000, 10, '2025-07-01T00:00:00Z', 5)`,
      [owner.orgId],
    );
    // One at a time, in time order: the quota trigger counts each record as it lands.
    const record = (orgId: string, at: string, columns: string, values: unknown[]) =>
      bed.database.query(`INSERT INTO usage_records (org_id, created_at, ${columns}) VALUES ($1, $2, ${values.map((_, i) => `$${i + 3}`).join(', ')})`, [
        orgId,
        at,
        ...values,
      ]);
    await record(owner.orgId, '2025-05-31T23:59:00Z', 'resource_type, render_seconds, cost_usd', ['render_seconds', 1, 0.001]);
    await record(owner.orgId, '2025-06-01T10:00:00Z', 'resource_type, llm_tokens_prompt, llm_tokens_output, cost_usd', ['llm_tokens', 100, 50, 0.0015]);
    await record(owner.orgId, '2025-06-01T11:00:00Z', 'resource_type, render_seconds, cost_usd', ['render_seconds', 12.5, 0.0125]);
    await record(owner.orgId, '2025-06-03T08:00:00Z', 'resource_type, kai_credits, cost_usd', ['kai_credits', 7, 0.07]);
    await record(owner.orgId, '2025-06-03T08:30:00Z', 'resource_type, tts_characters, tts_model, cost_usd', ['tts_characters', 2000, 'tts-1', 0.03]);
    await record(owner.orgId, '2025-06-03T08:31:00Z', 'resource_type, transcription_minutes, transcription_model, cost_usd', [
      'transcription_minutes',
      1.25,
      'whisper-1',
      0.0075,
    ]);
    await record(other.orgId, '2025-06-01T09:00:00Z', 'resource_type, render_seconds, cost_usd', ['render_seconds', 99, 0.99]);
    await bed.database.query(`REFRESH MATERIALIZED VIEW mv_daily_usage`);
  });
  afterAll(() => bed.close());

  const get = (caller: TestCaller, url: string) => bed.app.inject({ method: 'GET', url, headers: caller.headers });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;

  const june = [
    { date: '2025-06-01', tokens: 150, kai_credits: 0, render_seconds: 12.5, tts_characters: 0, transcription_minutes: 0, cost_usd: '0.0140' },
    // Speech moves no quota counter, but is in the day's cost: 0.07 + 0.03 + 0.0075.
    { date: '2025-06-03', tokens: 0, kai_credits: 7, render_seconds: 0, tts_characters: 2000, transcription_minutes: 1.25, cost_usd: '0.1075' },
  ];
  const quotas = [
    { resource: 'tokens', limit: 1000, used: 150, remaining: 850, reset_at: '2025-07-01T00:00:00.000Z' },
    { resource: 'render_seconds', limit: 10, used: 13.5, remaining: 0, reset_at: '2025-07-01T00:00:00.000Z' },
    { resource: 'kai_credits', limit: null, used: 7, remaining: null, reset_at: '2025-07-01T00:00:00.000Z' },
    { resource: 'storage_bytes', limit: null, used: 0, remaining: null, reset_at: '2025-07-01T00:00:00.000Z' },
  ];

  it("answers the org's days in the range and its quota state per resource", async () => {
    const response = await get(owner, '/v1/usage?from=2025-05-31&to=2025-06-30');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      from: '2025-05-31',
      to: '2025-06-30',
      days: [{ date: '2025-05-31', tokens: 0, kai_credits: 0, render_seconds: 1, tts_characters: 0, transcription_minutes: 0, cost_usd: '0.0010' }, ...june],
      quotas,
      // 3.5 of the 12.5 render seconds were past the limit of 10: that share of their $0.0125.
      overage: { allowed: false, cap_usd: '5.00', used_usd: '0.0035' },
    });
  });

  it('covers this month up to today when no range is given', async () => {
    expect((await get(owner, '/v1/usage')).json()).toMatchObject({ from: '2025-06-01', to: '2025-06-15', days: june });
    expect((await get(owner, '/v1/usage?to=2025-06-02')).json()).toMatchObject({ from: '2025-06-01', to: '2025-06-02', days: [june[0]] });
  });

  it('reads a period past its reset as the new, empty one', async () => {
    now = new Date('2025-07-02T00:00:00Z');
    try {
      const body = (await get(owner, '/v1/usage?from=2025-07-01&to=2025-07-02')).json() as { days: unknown[]; quotas: unknown[]; overage: unknown };
      expect(body.days).toEqual([]);
      expect(body.quotas).toEqual(quotas.map((quota) => ({ ...quota, used: 0, remaining: quota.limit, reset_at: '2025-08-01T00:00:00.000Z' })));
      expect(body.overage).toEqual({ allowed: false, cap_usd: '5.00', used_usd: '0' });
    } finally {
      now = new Date('2025-06-15T12:00:00Z');
    }
  });

  it('shows each org only its own usage; an org without a quota has none to show', async () => {
    expect((await get(other, '/v1/usage?from=2025-06-01&to=2025-06-30')).json()).toEqual({
      from: '2025-06-01',
      to: '2025-06-30',
      days: [{ date: '2025-06-01', tokens: 0, kai_credits: 0, render_seconds: 99, tts_characters: 0, transcription_minutes: 0, cost_usd: '0.9900' }],
      quotas: [],
      overage: null,
    });
  });

  it('refuses a range that is backwards, too long or not made of days, naming the field', async () => {
    const backwards = await get(owner, '/v1/usage?from=2025-06-10&to=2025-06-01');
    expect(backwards.statusCode).toBe(400);
    expect(errorOf(backwards)).toEqual({
      code: 'REQUEST_INVALID',
      message: 'Request is invalid: querystring.from must not be after to',
      details: { problems: [{ path: 'querystring.from', message: 'must not be after to' }] },
      request_id: backwards.headers['x-request-id'],
    });
    const long = await get(owner, '/v1/usage?from=2024-01-01&to=2025-06-01');
    expect(errorOf(long)).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'querystring.to', message: 'must be less than 366 days after from' }] },
    });
    expect((await get(owner, '/v1/usage?from=2024-06-01&to=2025-05-31')).statusCode).toBe(200);
    for (const query of ['from=yesterday', 'to=2025-02-30', "from=2025-06-01'--"]) {
      const response = await get(owner, `/v1/usage?${query}`);
      expect([query, response.statusCode, errorOf(response).code]).toEqual([query, 400, 'REQUEST_INVALID']);
    }
  });

  it('needs usage:read, which viewers have', async () => {
    const viewer = await bed.member(owner, 'viewer');
    expect((await get(viewer, '/v1/usage')).statusCode).toBe(200);
    const narrow = await bed.member(owner, 'admin', ['schedules:read']);
    const response = await get(narrow, '/v1/usage');
    expect(response.statusCode).toBe(403);
    expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'usage:read' } });
  });
});
