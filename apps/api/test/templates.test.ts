import { builtInTemplates, findVisibleTemplates, seedBuiltInTemplates } from '@fenta/db';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { auditOf, errorOf, requestsOf } from './content-requests';

interface TemplateBody {
  id: string;
  name: string;
  public: boolean;
  etag: string;
  spec: Record<string, any>;
  [field: string]: unknown;
}

const sample = builtInTemplates.find((template) => template.id === 'tmpl_shorts_v1')!;

describe('templates over HTTP', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;
  let http: ReturnType<typeof requestsOf>;

  beforeAll(async () => {
    bed = await startApiTestbed();
    await seedBuiltInTemplates(bed.database.db);
    owner = await bed.newOrg('alpha');
    other = await bed.newOrg('beta');
    http = requestsOf(bed);
  });
  afterAll(() => bed.close());

  const templateOf = (response: { json(): unknown }) => (response.json() as { template: TemplateBody }).template;
  const newTemplate = (fields: Record<string, unknown> = {}) => ({
    name: 'Our Shorts',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: structuredClone(sample.spec),
    ...fields,
  });

  async function create(caller: TestCaller, fields: Record<string, unknown> = {}): Promise<TemplateBody> {
    const response = await http.send(caller, 'POST', '/v1/templates', newTemplate(fields));
    expect(response.statusCode).toBe(201);
    return templateOf(response);
  }

  async function listAll(caller: TestCaller): Promise<TemplateBody[]> {
    const items: TemplateBody[] = [];
    let cursor: string | null = null;
    do {
      const response = await http.get(caller, `/v1/templates?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { data: TemplateBody[]; next_cursor: string | null };
      items.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  }

  it("creates one of the org's templates, with its ETag and an audit entry", async () => {
    const response = await http.send(
      owner,
      'POST',
      '/v1/templates',
      newTemplate({ description: 'ours', thumbnail_url: 'https://cdn.example.com/t.jpg', spec: { ...structuredClone(sample.spec), brand: 'x' } }),
    );
    expect(response.statusCode).toBe(201);
    const template = templateOf(response);
    expect(template).toEqual({
      id: expect.stringMatching(/^tmpl_[0-9a-f-]{36}$/),
      name: 'Our Shorts',
      description: 'ours',
      aspect: '9:16',
      resolution: '1080x1920',
      // Stored as given: fields the format does not know are kept, defaults are not written in.
      spec: { ...structuredClone(sample.spec), brand: 'x' },
      thumbnail_url: 'https://cdn.example.com/t.jpg',
      project_id: null,
      public: false,
      usage_count: 0,
      etag: response.headers.etag,
      created_by: owner.userId,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(templateOf(await http.get(owner, `/v1/templates/${template.id}`))).toEqual(template);
    const [row] = await bed.database.query(`SELECT org_id, is_public FROM templates WHERE id = $1`, [template.id]);
    expect(row).toEqual({ org_id: owner.orgId, is_public: false });
    expect(await auditOf(bed, template.id)).toEqual([
      { org_id: owner.orgId, user_id: owner.userId, action: 'create', resource_type: 'template', changes: { after: template } },
    ]);
  });

  it("lists the org's own templates and the public ones, marked, and never another org's", async () => {
    const org = await bed.newOrg('lister');
    const neighbour = await bed.newOrg('neighbour');
    const own = await create(org, { name: 'mine' });
    const theirs = await create(neighbour, { name: 'theirs' });
    const listed = await listAll(org);
    expect(listed.map((t) => [t.id, t.public]).sort()).toEqual([[own.id, false], ...builtInTemplates.map((t) => [t.id, true])].sort());
    expect(listed.map((t) => t.id)).not.toContain(theirs.id);
    const ids = listed.map((t) => t.id);
    expect(ids).toEqual([...ids].sort().reverse());

    const publicOne = await http.get(org, `/v1/templates/${sample.id}`);
    expect(publicOne.statusCode).toBe(200);
    expect(templateOf(publicOne)).toMatchObject({ id: sample.id, name: sample.name, public: true, spec: sample.spec, created_by: null });
    const foreign = await http.get(org, `/v1/templates/${theirs.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(errorOf(foreign)).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', message: `Template ${theirs.id} does not exist or is not visible to this org` });
  });

  it('refuses a spec the template spec format refuses, naming the path, and writes nothing', async () => {
    const spec = structuredClone(sample.spec) as Record<string, any>;
    spec.overlays[0].track = 'subs';
    const response = await http.send(owner, 'POST', '/v1/templates', newTemplate({ name: 'Broken', spec }));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({
      code: 'TEMPLATE_SPEC_INVALID',
      message: 'Template "Broken" has an invalid spec at overlays[0].track: track "subs" is a subtitle track, not an overlay track',
      details: { problems: [{ path: 'overlays[0].track', reason: 'track "subs" is a subtitle track, not an overlay track' }] },
    });
    const noTracks = await http.send(owner, 'POST', '/v1/templates', newTemplate({ spec: { overlays: [] } }));
    expect(errorOf(noTracks)).toMatchObject({ code: 'TEMPLATE_SPEC_INVALID', details: { problems: [{ path: 'tracks' }] } });
    const notObject = await http.send(owner, 'POST', '/v1/templates', newTemplate({ spec: 'tracks' }));
    expect(errorOf(notObject)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'body.spec' }] } });
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM templates WHERE name = 'Broken'`)).toEqual([{ n: 0 }]);
  });

  it('checks the aspect and that the resolution is a frame of it', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ aspect: '3:2' }, 'body.aspect', 'body.aspect must be one of: 9:16, 16:9, 1:1, 4:5'],
      [{ resolution: '1080x1080' }, 'body.resolution', 'body.resolution 1080x1080 is not a 9:16 frame'],
      [{ resolution: '1081x1922' }, 'body.resolution', 'body.resolution sides must be even numbers of pixels'],
      [{ resolution: '90x160' }, 'body.resolution', 'body.resolution sides must be 144 to 4096 pixels'],
      [{ resolution: '1080 x 1920' }, 'body.resolution', ''],
      [{ resolution: '0x0' }, 'body.resolution', ''],
    ];
    for (const [fields, path, reason] of cases) {
      const response = await http.send(owner, 'POST', '/v1/templates', newTemplate(fields));
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path, message: expect.any(String) }] } });
      expect((errorOf(response).details as { problems: unknown[] }).problems).toHaveLength(1);
      if (reason) expect(errorOf(response).message).toBe(`Request is invalid: ${reason}`);
    }
    expect((await create(owner, { aspect: '4:5', resolution: '1080x1350' })).resolution).toBe('1080x1350');
    expect((await create(owner, { aspect: '16:9', resolution: '1280x720' })).aspect).toBe('16:9');
  });

  it('refuses unknown fields and publishing', async () => {
    const response = await http.send(owner, 'POST', '/v1/templates', newTemplate({ is_public: true }));
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual({ problems: [{ path: 'body.is_public', message: 'is not allowed' }] });
    const template = await create(owner);
    const publish = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { public: true });
    expect(errorOf(publish).details).toEqual({ problems: [{ path: 'body.public', message: 'is not allowed' }] });
    const script = await http.send(owner, 'POST', '/v1/templates', newTemplate({ thumbnail_url: 'javascript:alert(1)' }));
    expect(errorOf(script)).toMatchObject({ code: 'REQUEST_INVALID' });
    expect(JSON.stringify(errorOf(script).details)).toContain('body.thumbnail_url');
  });

  it('changes its own template, checking the new spec and frame, with If-Match', async () => {
    const template = await create(owner);
    const spec = structuredClone(sample.spec) as Record<string, any>;
    spec.rules.max_scene = 6;
    const response = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { name: 'Slower cuts', spec }, { 'if-match': template.etag });
    expect(response.statusCode).toBe(200);
    const changed = templateOf(response);
    expect(changed).toEqual({ ...template, name: 'Slower cuts', spec, etag: response.headers.etag, updated_at: expect.any(String) });
    expect(changed.etag).not.toBe(template.etag);
    expect(await auditOf(bed, template.id)).toEqual([
      expect.objectContaining({ action: 'create' }),
      { org_id: owner.orgId, user_id: owner.userId, action: 'update', resource_type: 'template', changes: { before: template, after: changed } },
    ]);

    const stale = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { name: 'Lost update' }, { 'if-match': template.etag });
    expect(stale.statusCode).toBe(412);
    expect(errorOf(stale)).toMatchObject({ code: 'REQUEST_PRECONDITION_FAILED', details: { etag: changed.etag } });

    const aspect = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { aspect: '16:9' });
    expect(errorOf(aspect)).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'body.aspect', message: '1080x1920 is not a 16:9 frame' }] },
    });
    const both = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { aspect: '16:9', resolution: '1920x1080' });
    expect(templateOf(both)).toMatchObject({ aspect: '16:9', resolution: '1920x1080' });

    const badSpec = structuredClone(sample.spec) as Record<string, any>;
    badSpec.rules.max_scene = 0.1;
    const refused = await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { spec: badSpec });
    expect(errorOf(refused)).toMatchObject({
      code: 'TEMPLATE_SPEC_INVALID',
      details: {
        problems: [
          { path: 'rules.max_scene', reason: 'Too small: expected number to be >=0.5' },
          { path: 'rules.max_scene', reason: 'max_scene must be at least min_scene' },
        ],
      },
    });
    expect(templateOf(await http.get(owner, `/v1/templates/${template.id}`)).spec).toEqual(spec);
  });

  it('lets no org change or delete a public template', async () => {
    const [before] = await bed.database.query(`SELECT name, spec, deleted_at, updated_at FROM templates WHERE id = $1`, [sample.id]);
    for (const response of [
      await http.send(owner, 'PATCH', `/v1/templates/${sample.id}`, { name: 'Ours now' }),
      await http.send(owner, 'DELETE', `/v1/templates/${sample.id}`),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(errorOf(response)).toMatchObject({
        code: 'TEMPLATE_PUBLIC_READ_ONLY',
        message: `Template ${sample.id} is one of Fenta's public templates and cannot be changed or deleted; create your own from its spec`,
      });
    }
    expect(await bed.database.query(`SELECT name, spec, deleted_at, updated_at FROM templates WHERE id = $1`, [sample.id])).toEqual([before]);
  });

  it("answers another org's template with 404 on every route, and leaves it as it was", async () => {
    const template = await create(owner);
    for (const response of [
      await http.get(other, `/v1/templates/${template.id}`),
      await http.send(other, 'PATCH', `/v1/templates/${template.id}`, { name: 'taken' }),
      await http.send(other, 'DELETE', `/v1/templates/${template.id}`),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(errorOf(response).code).toBe('TEMPLATE_NOT_FOUND');
    }
    expect(templateOf(await http.get(owner, `/v1/templates/${template.id}`))).toEqual(template);
  });

  it('lets viewers read templates but not write them', async () => {
    const template = await create(owner);
    const viewer = await bed.member(owner, 'viewer');
    expect((await http.get(viewer, `/v1/templates/${template.id}`)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/v1/templates', newTemplate()],
      ['PATCH', `/v1/templates/${template.id}`, { name: 'x' }],
      ['DELETE', `/v1/templates/${template.id}`, undefined],
    ] as const) {
      const response = await http.send(viewer, method, url, body);
      expect(response.statusCode).toBe(403);
      expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'templates:write' } });
    }
  });

  it('soft-deletes its own template: not found, not listed, and no longer usable by jobs', async () => {
    const template = await create(owner, { name: 'Short-lived' });
    const deleted = await http.send(owner, 'DELETE', `/v1/templates/${template.id}`);
    expect(deleted.statusCode).toBe(204);
    const [row] = await bed.database.query<{ deleted_at: Date | null }>(`SELECT deleted_at FROM templates WHERE id = $1`, [template.id]);
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect(errorOf(await http.get(owner, `/v1/templates/${template.id}`)).code).toBe('TEMPLATE_NOT_FOUND');
    expect(errorOf(await http.send(owner, 'PATCH', `/v1/templates/${template.id}`, { name: 'back' })).code).toBe('TEMPLATE_NOT_FOUND');
    expect(errorOf(await http.send(owner, 'DELETE', `/v1/templates/${template.id}`)).code).toBe('TEMPLATE_NOT_FOUND');
    expect((await listAll(owner)).map((t) => t.id)).not.toContain(template.id);
    // The query job creation loads a graph's templates with.
    expect(await findVisibleTemplates(bed.database.db, owner.orgId, [template.id])).toEqual([]);
    expect((await auditOf(bed, template.id)).map((entry) => [entry.action, entry.changes])).toEqual([
      ['create', { after: template }],
      ['delete', { before: template }],
    ]);
  });
});
