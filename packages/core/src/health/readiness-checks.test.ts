import { runReadinessChecks } from './readiness-checks';

describe('runReadinessChecks', () => {
  it('reads nothing and "ok" as ok, a reason as itself, a rejection or a throw as down', async () => {
    const report = await runReadinessChecks({
      silent: async () => undefined,
      ok: async () => 'ok',
      reason: async () => 'pending: 00009_x.sql',
      rejected: () => Promise.reject(new Error('refused')),
      thrown: () => {
        throw new Error('not even a promise');
      },
    });
    expect(report).toEqual({
      ready: false,
      body: { status: 'unavailable', checks: { silent: 'ok', ok: 'ok', reason: 'pending: 00009_x.sql', rejected: 'down', thrown: 'down' } },
    });
  });

  it('is ready with no checks at all', async () => {
    expect(await runReadinessChecks({})).toEqual({ ready: true, body: { status: 'ok', checks: {} } });
  });
});
