import type { FastifyInstance } from 'fastify';
import { createLogger } from '@fenta/core';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';
import { readApiEnv } from '../src/env';
import type { TrustProxy } from '../src/http/trust-proxy';

const logger = createLogger({ service: 'api-test', level: 'silent' });
const required = { DATABASE_URL: 'postgres://fenta@127.0.0.1:5432/fenta', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('FENTA_TRUST_PROXY', () => {
  it('trusts nothing when unset, empty, false or 0', () => {
    for (const value of [undefined, '', 'false', '0']) expect(readApiEnv({ ...required, FENTA_TRUST_PROXY: value }).FENTA_TRUST_PROXY).toBe(false);
  });

  it('reads true, a hop count, and a list of addresses, ranges and named ranges', () => {
    expect(readApiEnv({ ...required, FENTA_TRUST_PROXY: 'true' }).FENTA_TRUST_PROXY).toBe(true);
    expect(readApiEnv({ ...required, FENTA_TRUST_PROXY: '2' }).FENTA_TRUST_PROXY).toEqual({ hops: 2 });
    expect(readApiEnv({ ...required, FENTA_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8 ,::1, loopback' }).FENTA_TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
  });

  it('refuses anything else with an error naming the variable and the wrong entry', () => {
    for (const [value, wrong] of [
      ['yes', 'yes'],
      ['10.0.0.0/33', '10.0.0.0/33'],
      ['10.0.0.1,,10.0.0.2', ''],
      ['10.0.0.1, proxy.internal', 'proxy.internal'],
      ['-1', '-1'],
    ]) {
      expect(() => readApiEnv({ ...required, FENTA_TRUST_PROXY: value })).toThrow(
        `Configuration is invalid: FENTA_TRUST_PROXY: must be true, false, a hop count, or a comma-separated list of IP addresses and CIDR ranges; "${wrong}" is none of these`,
      );
    }
  });
});

describe('request.ip behind proxies', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
    await database.drop();
  });

  async function ipSeen(trustProxy: TrustProxy | undefined, remoteAddress: string, forwardedFor?: string): Promise<string> {
    const app: FastifyInstance = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [], trustProxy });
    app.get('/ip', async (request) => ({ ip: request.ip }));
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/ip',
        remoteAddress,
        headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
      });
      return response.json().ip as string;
    } finally {
      await app.close();
    }
  }

  it('ignores X-Forwarded-For unless configured', async () => {
    expect(await ipSeen(undefined, '10.0.0.5', '203.0.113.7')).toBe('10.0.0.5');
    expect(await ipSeen(false, '10.0.0.5', '203.0.113.7')).toBe('10.0.0.5');
  });

  it('takes the client from X-Forwarded-For when every proxy is trusted', async () => {
    expect(await ipSeen(true, '10.0.0.5', '198.51.100.1, 203.0.113.7')).toBe('198.51.100.1');
  });

  it('trusts as many hops as configured', async () => {
    expect(await ipSeen({ hops: 1 }, '10.0.0.5', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen({ hops: 2 }, '10.0.0.5', '198.51.100.1, 203.0.113.7')).toBe('198.51.100.1');
  });

  it('trusts only proxies at the listed addresses and ranges', async () => {
    expect(await ipSeen(['10.0.0.0/8'], '10.0.0.5', '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(['192.168.0.0/16'], '10.0.0.5', '203.0.113.7')).toBe('10.0.0.5');
    // The client's own entry is not a proxy: it cannot make itself trusted by naming a trusted address first.
    expect(await ipSeen(['10.0.0.0/8'], '10.0.0.5', '198.51.100.1, 10.0.0.9')).toBe('198.51.100.1');
    expect(await ipSeen(['10.0.0.5'], '10.0.0.5')).toBe('10.0.0.5');
  });
});
