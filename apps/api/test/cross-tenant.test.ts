import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtInTemplates, demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { LocalStorage } from '@fenta/storage';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { makeTestMedia, multipartForm } from './asset-media';
import { makeRender } from './support/make-render';

type Json = Record<string, any>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The ids of one org's resources, by the path segment that names their kind. */
type Ids = Record<string, string>;

const publicUrl = 'https://api.example.test';
const endpoint = 'https://93.184.216.34/fenta-hooks';

/**
 * What each route that names a resource by id is sent: a body it would
 * accept for a resource of the caller's own org, so that only the id can be
 * what makes it fail. Every such route of the OpenAPI document must be
 * here: a new route fails this test until it is added.
 */
function requestFor(method: Method, route: string, mediaMp4: Buffer): { payload?: Json | Buffer; headers?: Record<string, string> } | undefined {
  const key = `${method} ${route}`;
  switch (key) {
    case 'PATCH /v1/workflows/{id}':
      return { payload: { name: 'taken over', graph: demoWorkflow.graph as unknown as Json } };
    case 'PATCH /v1/templates/{id}':
      return { payload: { name: 'taken over' } };
    case 'PATCH /v1/assets/{id}':
      return { payload: { tags: ['taken'] } };
    case 'POST /v1/assets/{id}/versions': {
      const form = multipartForm([{ name: 'file', filename: 'clip.mp4', contentType: 'video/mp4', content: mediaMp4 }]);
      return { payload: form.payload, headers: form.headers };
    }
    case 'PATCH /v1/schedules/{id}':
      return { payload: { enabled: false, cron: '5 4 * * *' } };
    case 'PATCH /v1/webhooks/{id}':
      return { payload: { enabled: false, url: 'https://93.184.216.35/taken' } };
    case 'POST /v1/jobs/{id}/retry':
    case 'POST /v1/jobs/{id}/cancel':
    case 'POST /v1/webhooks/{id}/rotate-secret':
    case 'POST /v1/webhooks/{id}/test':
    case 'POST /v1/webhooks/{id}/deliveries/{deliveryId}/redeliver':
      return { payload: {} };
    default:
      return method === 'GET' || method === 'DELETE' ? {} : undefined;
  }
}

/** The not-found code each kind of id answers with: the same as for an id that exists nowhere. */
const notFound: Record<string, string> = {
  workflows: 'WORKFLOW_NOT_FOUND',
  templates: 'TEMPLATE_NOT_FOUND',
  assets: 'ASSET_NOT_FOUND',
  jobs: 'JOB_NOT_FOUND',
  renders: 'RENDER_NOT_FOUND',
  schedules: 'SCHEDULE_NOT_FOUND',
  webhooks: 'WEBHOOK_NOT_FOUND',
  'api-keys': 'API_KEY_NOT_FOUND',
};

describe("one org's key against every id of another org", () => {
  let bed: ApiTestbed;
  let root: string;
  let alpha: TestCaller;
  let beta: TestCaller;
  let theirs: Ids;
  let theirDelivery: string;
  let mp4: Buffer;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-cross-tenant-'));
    const storage = new LocalStorage(path.join(root, 'storage'));
    bed = await startApiTestbed({ storage, publicUrl, uploads: { maxBytes: 10_000_000, tempDir: path.join(root, 'uploads') } });
    await seedBuiltInTemplates(bed.database.db);
    alpha = await bed.newOrg('alpha');
    beta = await bed.newOrg('beta');
    mp4 = await readFile((await makeTestMedia(root)).mp4);

    // Beta has one of everything, made the way its users make them.
    const as = async (method: Method, url: string, payload?: Json): Promise<Json> => {
      const response = await bed.app.inject({ method, url, headers: beta.headers, ...(payload ? { payload } : {}) });
      expect([url, response.statusCode]).toEqual([url, method === 'POST' && url === '/v1/jobs' ? 202 : 201]);
      return response.json() as Json;
    };
    const workflow = (await as('POST', '/v1/workflows', { name: 'beta daily', graph: demoWorkflow.graph as unknown as Json })).workflow;
    const sample = builtInTemplates.find((template) => template.id === 'tmpl_shorts_v1')!;
    const template = (await as('POST', '/v1/templates', { name: 'beta look', aspect: '9:16', resolution: '1080x1920', spec: sample.spec as unknown as Json }))
      .template;
    const schedule = (await as('POST', '/v1/schedules', { workflow_id: workflow.id, cron: '0 10 * * *', timezone: 'UTC' })).schedule;
    const webhook = (await as('POST', '/v1/webhooks', { url: endpoint, events: ['render.succeeded'] })).webhook;
    // A delivered event of that webhook, as the sender leaves it.
    [{ id: theirDelivery }] = (await bed.database.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, http_status) VALUES ($1, 'render.succeeded', '{}', 'success', 1, 200) RETURNING id`,
      [webhook.id],
    )) as [{ id: string }];
    const form = multipartForm([{ name: 'file', filename: 'clip.mp4', contentType: 'video/mp4', content: mp4 }]);
    const upload = await bed.app.inject({ method: 'POST', url: '/v1/assets', headers: { ...beta.headers, ...form.headers }, payload: form.payload });
    expect(upload.statusCode).toBe(201);
    const job = (await as('POST', '/v1/jobs', { workflow_id: workflow.id })).job;
    const render = await makeRender(bed, beta, storage, publicUrl);
    theirs = {
      workflows: workflow.id,
      templates: template.id,
      schedules: schedule.id,
      webhooks: webhook.id,
      assets: (upload.json() as Json).asset.id,
      jobs: job.id,
      renders: render.renderId,
      'api-keys': beta.keyId,
    };
  }, 120_000);
  afterAll(async () => {
    await bed.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Every row of every table with an org_id that belongs to `orgId`, as JSON: what "nothing changed" compares. */
  const rowsOf = async (orgId: string): Promise<Record<string, unknown[]>> => {
    const tables = await bed.database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'org_id'
          AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
        ORDER BY table_name`,
    );
    const rows: Record<string, unknown[]> = {};
    for (const { table_name: table } of tables) {
      rows[table] = await bed.database.query(`SELECT to_jsonb(t) AS row FROM ${table} t WHERE org_id = $1 ORDER BY to_jsonb(t)::text`, [orgId]);
    }
    return rows;
  };

  it('answers 404 with the kind’s not-found code on every route that takes an id, and changes nothing of either org', async () => {
    const document = (await bed.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths)
      .filter(([route]) => route.includes('{id}'))
      .flatMap(([route, operations]) => Object.keys(operations).map((method) => ({ route, method: method.toUpperCase() as Method })));
    // Every kind of resource is covered (a sanity check on the document, not a list to keep by hand).
    expect(new Set(routes.map(({ route }) => route.split('/')[2]))).toEqual(new Set(Object.keys(notFound)));

    const betaBefore = await rowsOf(beta.orgId);
    const deliveriesOf = () => bed.database.query(`SELECT to_jsonb(d) AS row FROM webhook_deliveries d ORDER BY id`);
    const deliveriesBefore = await deliveriesOf();
    const alphaJobsBefore = await bed.database.query(`SELECT id FROM jobs WHERE org_id = $1`, [alpha.orgId]);
    const queuedBefore = await bed.queue.count();
    const outcomes: string[] = [];
    for (const { route, method } of routes) {
      const kind = route.split('/')[2]!;
      const request = requestFor(method, route, mp4);
      if (!request) throw new Error(`no request body for ${method} ${route}: add one to requestFor`);
      const url = route.replace('{id}', theirs[kind]!).replace('{version}', '1').replace('{deliveryId}', theirDelivery);
      const response = await bed.app.inject({
        method,
        url,
        headers: { ...alpha.headers, ...request.headers },
        ...(request.payload ? { payload: request.payload } : {}),
      });
      const code = response.headers['content-type']?.toString().startsWith('application/json') ? (response.json() as Json).error?.code : undefined;
      outcomes.push(`${method} ${route} ${response.statusCode} ${code}`);
    }
    expect(outcomes).toEqual(routes.map(({ route, method }) => `${method} ${route} 404 ${notFound[route.split('/')[2]!]}`));

    expect(await rowsOf(beta.orgId)).toEqual(betaBefore);
    expect(await deliveriesOf()).toEqual(deliveriesBefore);
    expect(await bed.database.query(`SELECT id FROM jobs WHERE org_id = $1`, [alpha.orgId])).toEqual(alphaJobsBefore);
    expect(await bed.queue.count()).toBe(queuedBefore);

    // The same ids as beta's own answer as they should: the ids were real all along.
    for (const [kind, id] of Object.entries(theirs)) {
      if (kind === 'api-keys') continue;
      const own = await bed.app.inject({ method: 'GET', url: `/v1/${kind}/${id}`, headers: beta.headers });
      expect([kind, own.statusCode]).toEqual([kind, 200]);
    }
  }, 120_000);
});
