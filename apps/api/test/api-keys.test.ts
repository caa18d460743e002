import { issueApiKey, scopesOfRole } from '@fenta/core';
import { insertApiKey } from '@fenta/db';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

describe('API keys and authentication', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;

  beforeAll(async () => {
    bed = await startApiTestbed();
    owner = await bed.newOrg('alpha');
    other = await bed.newOrg('beta');
  });
  afterAll(() => bed.close());

  const get = (url: string, headers: Record<string, string> = {}) => bed.app.inject({ method: 'GET', url, headers });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;

  it('holds the same scopes per role as the database, which bounds the keys tenants create', async () => {
    for (const role of ['viewer', 'editor', 'admin', 'owner'] as const) {
      const [row] = await bed.database.query<{ scopes: string[] }>(`SELECT fenta_api_key_scopes_for_role($1) AS scopes`, [role]);
      expect([...row!.scopes].sort()).toEqual([...scopesOfRole[role]].sort());
    }
  });

  it('lets a tenant audit only as itself, in its own org', async () => {
    await expect(
      bed.database.withUser(owner.userId, (query) =>
        query(`SELECT fenta_record_audit($1, 'create', 'workflow', 'wf_x', NULL, '10.0.0.1', 'ua')`, [other.orgId]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      bed.database.withUser(owner.userId, (query) => query(`INSERT INTO audit_logs (org_id, action, resource_type) VALUES ($1, 'x', 'y')`, [owner.orgId])),
    ).rejects.toMatchObject({
      code: '42501',
    });
    const recorded = await bed.database.withUser(owner.userId, async (query) => {
      await query(`SELECT fenta_record_audit($1, 'create', 'workflow', 'wf_x', NULL, 'not an address', 'ua')`, [owner.orgId]);
      return query(`SELECT user_id, ip_address FROM audit_logs WHERE resource_id = 'wf_x'`);
    });
    expect(recorded).toEqual([{ user_id: owner.userId, ip_address: null }]);
  });

  it('refuses a request without a key, with a malformed one, and with an unknown one', async () => {
    const none = await get('/v1/api-keys');
    expect(none.statusCode).toBe(401);
    expect(errorOf(none)).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(errorOf(await get('/v1/api-keys', { authorization: 'Basic abc' })).code).toBe('AUTH_REQUIRED');
    expect(errorOf(await get('/v1/api-keys', { authorization: 'Bearer not-a-key' })).code).toBe('AUTH_KEY_INVALID');
    const unknown = await get('/v1/api-keys', { authorization: `Bearer ${issueApiKey().key}` });
    expect(unknown.statusCode).toBe(401);
    expect(errorOf(unknown).code).toBe('AUTH_KEY_INVALID');
  });

  it('refuses a revoked and an expired key, naming which', async () => {
    const revoked = issueApiKey();
    const { id } = await insertApiKey(bed.database.db, { orgId: owner.orgId, userId: owner.userId, name: 'old', scopes: ['keys:write'], issued: revoked });
    await bed.database.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [id]);
    expect(errorOf(await get('/v1/api-keys', { authorization: `Bearer ${revoked.key}` }))).toMatchObject({
      code: 'AUTH_KEY_REVOKED',
      message: `The API key ${revoked.prefix}… was revoked`,
    });
    const expired = issueApiKey();
    const expiresAt = new Date(Date.now() - 1000);
    await insertApiKey(bed.database.db, { orgId: owner.orgId, userId: owner.userId, name: 'old', scopes: ['keys:write'], issued: expired, expiresAt });
    expect(errorOf(await get('/v1/api-keys', { authorization: `Bearer ${expired.key}` }))).toMatchObject({ code: 'AUTH_KEY_EXPIRED' });
  });

  it('answers 403 naming the scope a key lacks', async () => {
    const reader = await bed.member(owner, 'admin', ['workflows:read']);
    const response = await get('/v1/api-keys', reader.headers);
    expect(response.statusCode).toBe(403);
    expect(errorOf(response)).toEqual({
      code: 'SCOPE_MISSING',
      message: 'This request needs the scope keys:write, which the API key does not carry',
      details: { missing_scope: 'keys:write', role: 'admin' },
      request_id: response.headers['x-request-id'],
    });
  });

  it("drops a key's scopes that its holder's role no longer allows", async () => {
    const admin = await bed.member(owner, 'admin');
    expect((await get('/v1/api-keys', admin.headers)).statusCode).toBe(200);
    await bed.database.query(`UPDATE org_members SET role = 'viewer' WHERE user_id = $1`, [admin.userId]);
    const demoted = await get('/v1/api-keys', admin.headers);
    expect(demoted.statusCode).toBe(403);
    expect(errorOf(demoted).message).toBe('This request needs the scope keys:write, which the API key does not carry (and the viewer role cannot have it)');
    await bed.database.query(`DELETE FROM org_members WHERE user_id = $1`, [admin.userId]);
    expect(errorOf(await get('/v1/api-keys', admin.headers)).code).toBe('AUTH_KEY_INVALID');
  });

  it('creates a key whose secret is shown once and works, and audits it', async () => {
    const response = await bed.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...owner.headers, 'user-agent': 'fenta-test/1', 'x-request-id': 'create-key-1' },
      payload: { name: 'ci', scopes: ['workflows:read', 'jobs:execute'] },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json() as { api_key: Record<string, unknown>; key: string };
    expect(body.key).toMatch(/^fenta_[A-Za-z0-9_-]{43}$/);
    expect(body.api_key).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'ci',
      key_prefix: body.key.slice(0, 14),
      scopes: ['workflows:read', 'jobs:execute'],
      user_id: owner.userId,
      created_at: expect.any(String),
      expires_at: null,
      last_used_at: null,
      revoked_at: null,
    });
    const [stored] = await bed.database.query<{ key_hash: string }>(`SELECT key_hash FROM api_keys WHERE id = $1`, [body.api_key.id]);
    expect(stored!.key_hash).not.toContain(body.key);
    const list = await get('/v1/api-keys?limit=100', owner.headers);
    expect(list.body).not.toContain(body.key);
    // The new key authenticates, and is limited to its scopes.
    expect(errorOf(await get('/v1/api-keys', { authorization: `Bearer ${body.key}` })).code).toBe('SCOPE_MISSING');

    const audits = await bed.database.query(
      `SELECT org_id, user_id, action, resource_type, resource_id, host(ip_address) AS ip, user_agent, changes FROM audit_logs`,
    );
    expect(audits).toEqual([
      {
        org_id: owner.orgId,
        user_id: owner.userId,
        action: 'create',
        resource_type: 'api_key',
        resource_id: body.api_key.id,
        ip: '127.0.0.1',
        user_agent: 'fenta-test/1',
        changes: { after: body.api_key },
      },
    ]);
  });

  it('lets only owners and admins create keys, never wider than their role or their key', async () => {
    const editor = await bed.member(owner, 'editor', [...scopesOfRole.editor]);
    const asEditor = await bed.app.inject({ method: 'POST', url: '/v1/api-keys', headers: editor.headers, payload: { name: 'x', scopes: ['jobs:read'] } });
    // An editor's key cannot even carry keys:write.
    expect(errorOf(asEditor).code).toBe('SCOPE_MISSING');

    const narrow = await bed.member(owner, 'admin', ['keys:write', 'jobs:read']);
    const wider = await bed.app.inject({ method: 'POST', url: '/v1/api-keys', headers: narrow.headers, payload: { name: 'x', scopes: ['jobs:execute'] } });
    expect(wider.statusCode).toBe(403);
    expect(errorOf(wider)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'jobs:execute' } });
    const [count] = await bed.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_keys WHERE name = 'x'`);
    expect(count!.n).toBe(0);
  });

  it('names the field of a bad request body', async () => {
    const unknownScope = await bed.app.inject({ method: 'POST', url: '/v1/api-keys', headers: owner.headers, payload: { name: 'x', scopes: ['root'] } });
    expect(unknownScope.statusCode).toBe(400);
    expect(errorOf(unknownScope).code).toBe('REQUEST_INVALID');
    expect(JSON.stringify(errorOf(unknownScope).details)).toContain('body.scopes[0]');
    const extra = await bed.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: owner.headers,
      payload: { name: 'x', scopes: ['jobs:read'], admin: true },
    });
    expect(errorOf(extra).details).toEqual({ problems: [{ path: 'body.admin', message: 'is not allowed' }] });
    const past = await bed.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: owner.headers,
      payload: { name: 'x', scopes: ['jobs:read'], expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(errorOf(past).details).toEqual({ problems: [{ path: 'body.expires_at', message: 'must be in the future' }] });
  });

  it('revokes a key of its holder; another org cannot see or revoke it', async () => {
    const holder = await bed.member(owner, 'admin');
    const foreign = await bed.app.inject({ method: 'DELETE', url: `/v1/api-keys/${holder.keyId}`, headers: other.headers });
    expect(foreign.statusCode).toBe(404);
    expect(errorOf(foreign)).toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect((await get('/v1/api-keys', holder.headers)).statusCode).toBe(200);

    const revoked = await bed.app.inject({ method: 'DELETE', url: `/v1/api-keys/${holder.keyId}`, headers: holder.headers });
    expect(revoked.statusCode).toBe(200);
    expect((revoked.json() as { api_key: { revoked_at: string } }).api_key.revoked_at).toEqual(expect.any(String));
    expect(errorOf(await get('/v1/api-keys', holder.headers)).code).toBe('AUTH_KEY_REVOKED');
    const malformed = await bed.app.inject({ method: 'DELETE', url: '/v1/api-keys/..%2F..%2Fetc', headers: owner.headers });
    expect(malformed.statusCode).toBe(400);
  });

  it('records that a key was used, at most once a minute', async () => {
    const user = await bed.member(owner, 'owner');
    await get('/v1/api-keys', user.headers);
    const first = await waitForLastUsed(user.keyId);
    await get('/v1/api-keys', user.headers);
    // A second request within the minute leaves it: wait for the request, then read it again.
    const [row] = await bed.database.query<{ last_used_at: Date }>(`SELECT last_used_at FROM api_keys WHERE id = $1`, [user.keyId]);
    expect(row!.last_used_at).toEqual(first);
    await bed.database.query(`UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [user.keyId]);
    const [aged] = await bed.database.query<{ last_used_at: Date }>(`SELECT last_used_at FROM api_keys WHERE id = $1`, [user.keyId]);
    await get('/v1/api-keys', user.headers);
    expect((await waitForLastUsed(user.keyId, aged!.last_used_at)).getTime()).toBeGreaterThan(aged!.last_used_at.getTime());
  });

  it('pages through a list with an opaque cursor, newest first', async () => {
    const org = await bed.newOrg('paged');
    for (let i = 0; i < 4; i += 1) {
      await insertApiKey(bed.database.db, { orgId: org.orgId, userId: org.userId, name: `k${i}`, scopes: ['jobs:read'], issued: issueApiKey() });
    }
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`, org.headers);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { data: Array<{ name: string }>; next_cursor: string | null };
      names.push(...page.data.map((item) => item.name));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(names).toEqual(['k3', 'k2', 'k1', 'k0', 'test key']);
    expect(pages).toBe(3);
    expect(errorOf(await get('/v1/api-keys?cursor=nonsense', org.headers)).code).toBe('CURSOR_INVALID');
    expect((await get('/v1/api-keys?limit=101', org.headers)).statusCode).toBe(400);
  });

  async function waitForLastUsed(keyId: string, notEqual?: Date): Promise<Date> {
    // The touch is not awaited by the request; its update lands moments later. Polling the row is the only signal there is.
    for (;;) {
      const [row] = await bed.database.query<{ last_used_at: Date | null }>(`SELECT last_used_at FROM api_keys WHERE id = $1`, [keyId]);
      if (row!.last_used_at && (!notEqual || row!.last_used_at.getTime() !== notEqual.getTime())) return row!.last_used_at;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
});
