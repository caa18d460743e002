import { Writable } from 'node:stream';
import { createLogger } from './create-logger';
import { redactSecrets, redactUrlsIn } from './redact-secrets';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'debug', destination }) };
}

describe('secrets in log lines', () => {
  it('replaces values under secret-looking keys, in any case and at any depth', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: { headers: { Authorization: 'Bearer fenta_abc', 'X-Api-Key': 'k1', COOKIE: 'sid=1', accept: 'json' } },
        config: { openai: { apiKey: 'sk-live-1' }, webhookSecret: 'whsec_1', password: 'p', dbPassword: 'q', accessToken: 't' },
        usage: { promptTokens: 1000, outputTokens: 500, tokens: 1500 },
        list: [{ secret: 's' }],
      },
      'request',
    );
    expect(lines[0]).toMatchObject({
      req: { headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', COOKIE: '[redacted]', accept: 'json' } },
      config: { openai: { apiKey: '[redacted]' }, webhookSecret: '[redacted]', password: '[redacted]', dbPassword: '[redacted]', accessToken: '[redacted]' },
      usage: { promptTokens: 1000, outputTokens: 500, tokens: 1500 },
      list: [{ secret: '[redacted]' }],
      msg: 'request',
    });
  });

  it('strips passwords and secret query parameters from URLs in values and in the message', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        url: 'https://pixabay.com/api/videos/?key=123-abc&q=city',
        nested: { link: 'download https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA1&X-Amz-Expires=60 now' },
      },
      'could not reach postgres://fenta:hunter2@db.internal:5432/fenta?sslmode=require',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['123-abc', 'deadbeef', 'AKIA1', 'hunter2']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      url: 'https://pixabay.com/api/videos/?key=%5Bredacted%5D&q=city',
      msg: 'could not reach postgres://fenta:***@db.internal:5432/fenta?sslmode=require',
    });
    expect((lines[0]!.nested as { link: string }).link).toContain('X-Amz-Expires=60');
  });

  it('keeps errors for the serializer and survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ a: 1, self: '[…]' });
    const error = new Error('boom');
    expect((redactSecrets({ err: error }) as { err: unknown }).err).toBe(error);
    expect(redactUrlsIn('no url here')).toBe('no url here');
  });
});
