import type { FastifyInstance } from 'fastify';
import { lookupHost, type HostResolver } from '@fenta/core';
import { buildApp } from '../src/build-app';
import { readApiEnv } from '../src/env';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// Nothing here sends a request to a webhook URL: creating one only checks it. Literal addresses are judged as
// they are; `localhost` goes to the system resolver (answered from /etc/hosts); every other name goes to the
// resolver below, so no DNS query leaves the machine.
const names: Record<string, string[]> = { 'hooks.example.com': ['93.184.216.34'], 'intranet.example.com': ['93.184.216.34', '10.0.0.7'] };
const resolveHost: HostResolver = async (host) => {
  if (host === 'localhost') return lookupHost(host);
  if (host === 'flaky.example.com') throw Object.assign(new Error('temporary failure'), { code: 'EAI_AGAIN' });
  const addresses = names[host];
  if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return addresses;
};

describe('webhook URLs', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let loopbackApp: FastifyInstance;
  let productionApp: FastifyInstance;

  beforeAll(async () => {
    bed = await startApiTestbed({ webhooks: { resolveHost } });
    owner = await bed.newOrg('hooks-urls');
    const shared = { db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [] };
    loopbackApp = await buildApp({ ...shared, webhooks: { resolveHost, urlPolicy: { requireHttps: false, allowLoopback: true } } });
    productionApp = await buildApp({ ...shared, webhooks: { resolveHost, urlPolicy: { requireHttps: true, allowLoopback: false } } });
  });
  afterAll(async () => {
    await loopbackApp.close();
    await productionApp.close();
    await bed.close();
  });

  const create = (url: string, app: FastifyInstance = bed.app) =>
    app.inject({ method: 'POST', url: '/v1/webhooks', headers: owner.headers, payload: { url, events: ['render.succeeded'] } });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;
  const storedUrls = async () =>
    (await bed.database.query<{ url: string }>(`SELECT url FROM webhooks WHERE org_id = $1 ORDER BY id`, [owner.orgId])).map((r) => r.url);

  it.each([
    ['http://127.0.0.1/hook', 'http://127.0.0.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://[::1]:8080/hook', 'http://[::1]:8080/hook', '::1 is not a public address (loopback)'],
    ['http://[::ffff:127.0.0.1]/hook', 'http://[::ffff:7f00:1]/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://10.0.0.1/hook', 'http://10.0.0.1/hook', '10.0.0.1 is not a public address (private)'],
    ['http://172.16.5.4/hook', 'http://172.16.5.4/hook', '172.16.5.4 is not a public address (private)'],
    ['http://192.168.0.10/hook', 'http://192.168.0.10/hook', '192.168.0.10 is not a public address (private)'],
    ['http://169.254.169.254/latest/meta-data/', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is not a public address (link-local)'],
    ['http://100.64.0.1/hook', 'http://100.64.0.1/hook', '100.64.0.1 is not a public address (carrier-grade-nat)'],
    ['http://[fd00::1]/hook', 'http://[fd00::1]/hook', 'fd00::1 is not a public address (unique-local)'],
    ['http://[fe80::1]/hook', 'http://[fe80::1]/hook', 'fe80::1 is not a public address (link-local)'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', 'http://[64:ff9b::a9fe:a9fe]/hook', '64:ff9b::a9fe:a9fe is not a public address (ipv4-embedding)'],
    ['http://2130706433/hook', 'http://127.0.0.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://0x7f000001/hook', 'http://127.0.0.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://0177.0.0.1/hook', 'http://127.0.0.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['http://167772161/hook', 'http://10.0.0.1/hook', '10.0.0.1 is not a public address (private)'],
    ['http://0.0.0.0/hook', 'http://0.0.0.0/hook', '0.0.0.0 is not a public address (unspecified)'],
    [
      'http://intranet.example.com/hook',
      'http://intranet.example.com/hook',
      'intranet.example.com resolves to 10.0.0.7, which is not a public address (private)',
    ],
    ['http://nowhere.example.com/hook', 'http://nowhere.example.com/hook', 'nowhere.example.com does not resolve (ENOTFOUND)'],
    ['ftp://93.184.216.34/hook', 'ftp://93.184.216.34/hook', 'scheme ftp is not http or https'],
    [
      'https://user:pw@93.184.216.34/hook',
      'https://93.184.216.34/hook',
      'it must not carry a user name or password (put a token in the path or query instead)',
    ],
    ['hooks.example.com/hook', '[unparseable url]', 'it is not an absolute URL'],
  ])('refuses %s, naming body.url, and stores nothing', async (url, shown, reason) => {
    const response = await create(url);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toEqual({
      code: 'URL_NOT_ALLOWED',
      message: `URL ${shown} is not allowed: ${reason}`,
      details: { problems: [{ path: 'body.url', message: `is not allowed: ${reason}` }] },
      request_id: response.headers['x-request-id'],
    });
    expect(await storedUrls()).toEqual([]);
  });

  it('refuses localhost by default: it resolves to this machine', async () => {
    const response = await create('http://localhost:9999/hook');
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).message).toMatch(
      /^URL http:\/\/localhost:9999\/hook is not allowed: localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback\)$/,
    );
  });

  it('answers 503 when the resolver cannot tell now, and stores nothing', async () => {
    const response = await create('https://flaky.example.com/hook');
    expect(response.statusCode).toBe(503);
    expect(errorOf(response)).toEqual({
      code: 'DNS_UNAVAILABLE',
      // A 5xx says only what its code means; the specifics are in the server log.
      message: 'The name of a URL to check (a webhook endpoint) could not be resolved for now (the resolver timed out or failed); try again.',
      request_id: response.headers['x-request-id'],
    });
    expect(await storedUrls()).toEqual([]);
  });

  it('accepts public addresses and names, storing the URL as parsed', async () => {
    expect((await create('https://93.184.216.34/hooks?token=abc')).statusCode).toBe(201);
    expect((await create('https://HOOKS.example.com:8443/in')).statusCode).toBe(201);
    expect((await create('http://[2606:4700:4700::1111]/x')).statusCode).toBe(201);
    expect(await storedUrls()).toEqual(['https://93.184.216.34/hooks?token=abc', 'https://hooks.example.com:8443/in', 'http://[2606:4700:4700::1111]/x']);
    await bed.database.query(`DELETE FROM webhooks WHERE org_id = $1`, [owner.orgId]);
  });

  it('accepts loopback, and only loopback, with FENTA_ALLOW_LOOPBACK_URLS', async () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost:9000/hook', 'http://[::1]:9000/hook', 'http://2130706433:9000/hook']) {
      const response = await create(url, loopbackApp);
      expect([url, response.statusCode]).toEqual([url, 201]);
    }
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/', 'http://[fd00::1]/hook', 'http://100.64.0.1/']) {
      expect([url, errorOf(await create(url, loopbackApp)).code]).toEqual([url, 'URL_NOT_ALLOWED']);
    }
    expect(await storedUrls()).toEqual(['http://127.0.0.1:9000/hook', 'http://localhost:9000/hook', 'http://[::1]:9000/hook', 'http://127.0.0.1:9000/hook']);
    await bed.database.query(`DELETE FROM webhooks WHERE org_id = $1`, [owner.orgId]);
  });

  it('takes https only in production, for creation and for changes', async () => {
    const plain = await create('http://93.184.216.34/hook', productionApp);
    expect(errorOf(plain)).toMatchObject({ code: 'URL_NOT_ALLOWED', message: 'URL http://93.184.216.34/hook is not allowed: it must use https, not http' });
    const secure = await create('https://93.184.216.34/hook', productionApp);
    expect(secure.statusCode).toBe(201);
    const { webhook } = secure.json() as { webhook: { id: string } };
    const change = (url: string, app: FastifyInstance) =>
      app.inject({ method: 'PATCH', url: `/v1/webhooks/${webhook.id}`, headers: owner.headers, payload: { url } });
    expect(errorOf(await change('http://93.184.216.34/other', productionApp)).code).toBe('URL_NOT_ALLOWED');
    expect(errorOf(await change('https://10.0.0.1/other', bed.app)).code).toBe('URL_NOT_ALLOWED');
    expect(await storedUrls()).toEqual(['https://93.184.216.34/hook']);
    expect((await change('https://hooks.example.com/other', productionApp)).statusCode).toBe(200);
    expect(await storedUrls()).toEqual(['https://hooks.example.com/other']);
  });

  it('refuses FENTA_ALLOW_LOOPBACK_URLS at start-up in production', () => {
    const required = { DATABASE_URL: 'postgres://localhost/fenta', REDIS_URL: 'redis://localhost:6379' };
    expect(readApiEnv(required).FENTA_ALLOW_LOOPBACK_URLS).toBe(false);
    expect(readApiEnv({ ...required, FENTA_ALLOW_LOOPBACK_URLS: 'true' }).FENTA_ALLOW_LOOPBACK_URLS).toBe(true);
    expect(readApiEnv({ ...required, NODE_ENV: 'production', FENTA_ALLOW_LOOPBACK_URLS: 'false' }).FENTA_ALLOW_LOOPBACK_URLS).toBe(false);
    expect(() => readApiEnv({ ...required, NODE_ENV: 'production', FENTA_ALLOW_LOOPBACK_URLS: 'true' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'Configuration is invalid: FENTA_ALLOW_LOOPBACK_URLS: must not be true when NODE_ENV=production',
      }),
    );
    expect(() => readApiEnv({ ...required, FENTA_ALLOW_LOOPBACK_URLS: 'yes' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
