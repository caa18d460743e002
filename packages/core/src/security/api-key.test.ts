import { hashApiKey, issueApiKey, looksLikeApiKey } from './api-key';

describe('issueApiKey', () => {
  it('issues distinct keys whose stored hash is the SHA-256 of the key', () => {
    const one = issueApiKey();
    const two = issueApiKey();
    expect(one.key).not.toBe(two.key);
    expect(one.key).toMatch(/^fenta_[A-Za-z0-9_-]{43}$/);
    expect(one.prefix).toBe(one.key.slice(0, 14));
    expect(one.hash).toBe(hashApiKey(one.key));
    expect(one.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(one.hash).not.toContain(one.key.slice(6));
  });

  it('recognises the shape of its keys only', () => {
    expect(looksLikeApiKey(issueApiKey().key)).toBe(true);
    expect(looksLikeApiKey('fenta_short')).toBe(false);
    expect(looksLikeApiKey('Bearer something')).toBe(false);
  });

  it('hashes a known key to its known digest', () => {
    expect(hashApiKey('fenta_test')).toBe('067049d1fe878ccc3bb966ac130d1b42643d58468170b4e62b257635df1adcfc');
  });
});
