import { readApiEnv } from '../src/env';

const required = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/fenta', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('the API configuration', () => {
  it("reads the worker's storage settings and the public base URL", () => {
    expect(readApiEnv(required)).toMatchObject({ storage: { driver: 'local', root: '.fenta/storage' }, FENTA_PUBLIC_URL: 'http://127.0.0.1:8080' });
    expect(readApiEnv({ ...required, S3_BUCKET: 'media-bucket', FENTA_PUBLIC_URL: 'https://api.example.com/' })).toMatchObject({
      storage: { driver: 's3', bucket: 'media-bucket', region: 'us-east-1' },
      FENTA_PUBLIC_URL: 'https://api.example.com',
    });
  });

  it('names every wrong variable in one error, storage ones included', () => {
    expect(() => readApiEnv({ ...required, FENTA_PUBLIC_URL: 'https://api.example.com/?x=1', FENTA_STORAGE_DRIVER: 's3' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: {
          problems: [
            'FENTA_PUBLIC_URL: must be a base URL without credentials, query or fragment, such as https://api.example.com',
            'S3_BUCKET: is required when FENTA_STORAGE_DRIVER is "s3": set it to the name of the bucket',
          ],
        },
      }),
    );
  });
});
