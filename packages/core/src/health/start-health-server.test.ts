import { request as httpRequest, Agent } from 'node:http';
import { createLogger } from '../logging/create-logger';
import { startHealthServer, type RunningHealthServer } from './start-health-server';

const logger = createLogger({ service: 'health-test', level: 'silent' });

describe('startHealthServer', () => {
  let server: RunningHealthServer;
  let redisAnswer: () => Promise<string | void>;

  beforeAll(async () => {
    server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      service: 'test',
      logger,
      timeoutMs: 100,
      checks: { postgres: async () => undefined, redis: () => redisAnswer(), migrations: async () => 'ok' },
    });
  });
  afterAll(() => server.close());

  it('answers /healthz without running any check', async () => {
    redisAnswer = () => Promise.reject(new Error('must not be called'));
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 and every check when all are ok', async () => {
    redisAnswer = async () => 'ok';
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  it('answers /readyz with 503 naming a check that fails, says why, or does not answer in time', async () => {
    redisAnswer = () => Promise.reject(new Error('ECONNREFUSED'));
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', migrations: 'ok' } });

    redisAnswer = async () => 'closing';
    const said = await fetch(`${server.url}/readyz`);
    expect(said.status).toBe(503);
    expect(await said.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'closing', migrations: 'ok' } });

    redisAnswer = () => new Promise<never>(() => undefined);
    const silent = await fetch(`${server.url}/readyz`);
    expect(silent.status).toBe(503);
    expect(await silent.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', migrations: 'ok' } });
  });

  it('answers any other path with a coded 404', async () => {
    const response = await fetch(`${server.url}/metrics?x=1`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route POST /metrics' } });
  });

  it('refuses a taken port with PORT_IN_USE naming the variable', async () => {
    await expect(startHealthServer({ host: '127.0.0.1', port: server.port, service: 'worker', logger, checks: {} })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: `Port ${server.port} on 127.0.0.1 is already in use (worker health); set FENTA_HEALTH_PORT to a free port`,
    });
  });

  it('closes while a probe keeps its connection open', async () => {
    const other = await startHealthServer({ host: '127.0.0.1', port: 0, service: 'test', logger, checks: {} });
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpRequest(`${other.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      await other.close();
    } finally {
      agent.destroy();
    }
  });
});
