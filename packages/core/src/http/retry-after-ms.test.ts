import { retryAfterMs } from './retry-after-ms';

const now = Date.parse('2026-11-22T10:00:00Z');

describe('retryAfterMs', () => {
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': 'Sun, 22 Nov 2026 10:00:05 GMT' }, 5000],
    [{ 'x-ratelimit-reset': String(now / 1000 + 7) }, 7000],
    [{ 'x-ratelimit-reset': '12' }, 12_000],
    [{ 'retry-after': '2', 'x-ratelimit-reset': '60' }, 2000],
    [{}, undefined],
    [{ 'retry-after': 'soon' }, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers as Record<string, string>), now)).toBe(expected);
  });
});
