import { defaultPriceTable, priceUsage } from '@fenta/pipeline';
import { readWorkerEnv } from '../src/env';

const required = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/fenta', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('the worker configuration', () => {
  it('reads the storage settings with everything else, once', () => {
    expect(readWorkerEnv(required).storage).toEqual({ driver: 'local', root: '.fenta/storage' });
    expect(readWorkerEnv({ ...required, S3_BUCKET: 'media-bucket' }).storage).toMatchObject({ driver: 's3', bucket: 'media-bucket', region: 'us-east-1' });
  });

  it("links results to the API's base URL, 127.0.0.1:8080 unless FENTA_PUBLIC_URL says otherwise", () => {
    expect(readWorkerEnv(required).FENTA_PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(readWorkerEnv({ ...required, FENTA_PUBLIC_URL: 'https://api.example.com/' }).FENTA_PUBLIC_URL).toBe('https://api.example.com');
  });

  it('holds 2 jobs and renders 1 at a time unless told otherwise', () => {
    const env = readWorkerEnv(required);
    expect([env.FENTA_WORKER_CONCURRENCY, env.FENTA_RENDER_CONCURRENCY]).toEqual([2, 1]);
    expect(readWorkerEnv({ ...required, FENTA_RENDER_CONCURRENCY: '2' }).FENTA_RENDER_CONCURRENCY).toBe(2);
    expect(() => readWorkerEnv({ ...required, FENTA_RENDER_CONCURRENCY: '0' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: { problems: ['FENTA_RENDER_CONCURRENCY: must be at least 1'] } }),
    );
  });

  it('runs 3 nodes of a job at once unless FENTA_NODE_CONCURRENCY says otherwise, between 1 and 16', () => {
    expect(readWorkerEnv(required).FENTA_NODE_CONCURRENCY).toBe(3);
    expect(readWorkerEnv({ ...required, FENTA_NODE_CONCURRENCY: '1' }).FENTA_NODE_CONCURRENCY).toBe(1);
    expect(() => readWorkerEnv({ ...required, FENTA_NODE_CONCURRENCY: '17' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: { problems: ['FENTA_NODE_CONCURRENCY: must be at most 16'] } }),
    );
  });

  it('names every wrong variable in one error, storage ones included', () => {
    expect(() => readWorkerEnv({ ...required, FENTA_WORKER_CONCURRENCY: '0', FENTA_STORAGE_DRIVER: 'ftp' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: { problems: ['FENTA_WORKER_CONCURRENCY: must be at least 1', 'FENTA_STORAGE_DRIVER: must be "local" or "s3"'] },
      }),
    );
  });

  it('lays FENTA_PRICES over the list prices model by model, so unknown models keep the default rate', () => {
    const { FENTA_PRICES: prices } = readWorkerEnv({
      ...required,
      FENTA_PRICES: '{"llm": {"my-model": {"promptPerMillion": 1, "outputPerMillion": 2}}, "renderSecond": 0.001}',
    });
    expect(prices.llm['my-model']).toEqual({ promptPerMillion: 1, outputPerMillion: 2 });
    expect(prices.llm.default).toEqual(defaultPriceTable.llm.default);
    expect(prices.renderSecond).toBe(0.001);
    expect(priceUsage(prices, { resource: 'llm_tokens', model: 'some-other-model', promptTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(0.75);
    expect(readWorkerEnv(required).FENTA_PRICES).toEqual(defaultPriceTable);
    expect(readWorkerEnv({ ...required, FENTA_PRICES: '' }).FENTA_PRICES).toEqual(defaultPriceTable);
  });

  it('lays FENTA_PRICES over the speech prices model by model too', () => {
    const { FENTA_PRICES: prices } = readWorkerEnv({
      ...required,
      FENTA_PRICES: '{"tts": {"tts-1-hd": {"perThousandCharacters": 0.05}}, "transcription": {"default": {"perMinute": 0.01}}}',
    });
    expect(prices.tts).toEqual({ ...defaultPriceTable.tts, 'tts-1-hd': { perThousandCharacters: 0.05 } });
    expect(prices.transcription).toEqual({ ...defaultPriceTable.transcription, default: { perMinute: 0.01 } });
    expect(priceUsage(prices, { resource: 'tts_characters', model: 'tts-1-hd', characters: 2_000 })).toBe(0.1);
    expect(priceUsage(prices, { resource: 'tts_characters', model: 'tts-1', characters: 2_000 })).toBe(0.03);
    // A model not listed takes the default, here the overridden one; listed ones keep their list price.
    expect(priceUsage(prices, { resource: 'transcription_minutes', model: 'some-transcriber', minutes: 10 })).toBe(0.1);
    expect(priceUsage(prices, { resource: 'transcription_minutes', model: 'whisper-1', minutes: 10 })).toBe(0.06);
  });

  it.each([
    ['not JSON', 'FENTA_PRICES: must be JSON'],
    ['[1]', 'FENTA_PRICES: Invalid input: expected object, received array'],
    ['{"renderSecnd": 0.1}', 'FENTA_PRICES: Unrecognized key: "renderSecnd"'],
    ['{"renderSecond": -1}', 'FENTA_PRICES.renderSecond: must not be negative'],
    ['{"llm": {"gpt-4o": {"promptPerMillion": 2.5}}}', 'FENTA_PRICES.llm.gpt-4o.outputPerMillion: must be a number of USD'],
    ['{"tts": {"tts-1": {"perThousandCharacters": -0.015}}}', 'FENTA_PRICES.tts.tts-1.perThousandCharacters: must not be negative'],
    ['{"tts": {"tts-1": {"perThousandCharacters": 0.015, "perCharacter": 0.000015}}}', 'FENTA_PRICES.tts.tts-1: Unrecognized key: "perCharacter"'],
    ['{"transcription": {"whisper-1": {"perMinute": "0.006"}}}', 'FENTA_PRICES.transcription.whisper-1.perMinute: must be a number of USD'],
  ])('refuses FENTA_PRICES=%s naming where', (value, problem) => {
    expect(() => readWorkerEnv({ ...required, FENTA_PRICES: value })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', details: { problems: [problem] } }),
    );
  });
});
