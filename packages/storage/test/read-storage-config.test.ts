import { readStorageConfig } from '../src';

const defaults = { localRoot: 'var/fenta/storage' };

describe('readStorageConfig', () => {
  it('uses local disk under the default root when nothing is set', () => {
    expect(readStorageConfig({}, defaults)).toEqual({ driver: 'local', root: 'var/fenta/storage' });
  });

  it('uses FENTA_STORAGE_DIR as the local root', () => {
    expect(readStorageConfig({ FENTA_STORAGE_DIR: 'data/media' }, defaults)).toEqual({ driver: 'local', root: 'data/media' });
  });

  it('chooses s3 when S3_BUCKET is set, in us-east-1 with virtual-host addressing and the default credential chain', () => {
    expect(readStorageConfig({ S3_BUCKET: 'fenta-media' }, defaults)).toEqual({
      driver: 's3',
      bucket: 'fenta-media',
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });

  it('reads every S3 setting, with path style on by default for a custom endpoint', () => {
    expect(
      readStorageConfig(
        {
          FENTA_STORAGE_DRIVER: 's3',
          S3_BUCKET: 'fenta-media',
          S3_REGION: 'eu-central-1',
          S3_ENDPOINT: 'http://minio.internal:9000',
          S3_ACCESS_KEY_ID: 'minio-user',
          S3_SECRET_ACCESS_KEY: 'minio-password',
          S3_PREFIX: '/fenta/prod/',
        },
        defaults,
      ),
    ).toEqual({
      driver: 's3',
      bucket: 'fenta-media',
      region: 'eu-central-1',
      endpoint: 'http://minio.internal:9000',
      forcePathStyle: true,
      accessKeyId: 'minio-user',
      secretAccessKey: 'minio-password',
      prefix: 'fenta/prod',
    });
  });

  it('lets S3_FORCE_PATH_STYLE=false override the endpoint default', () => {
    expect(readStorageConfig({ S3_BUCKET: 'fenta-media', S3_ENDPOINT: 'https://s3.example.com', S3_FORCE_PATH_STYLE: 'false' }, defaults)).toMatchObject({
      endpoint: 'https://s3.example.com',
      forcePathStyle: false,
    });
  });

  it('keeps local disk when FENTA_STORAGE_DRIVER=local even though S3_BUCKET is set', () => {
    expect(readStorageConfig({ FENTA_STORAGE_DRIVER: 'local', S3_BUCKET: 'fenta-media' }, defaults)).toEqual({
      driver: 'local',
      root: 'var/fenta/storage',
    });
  });

  it('treats variables set to an empty string as unset', () => {
    expect(readStorageConfig({ FENTA_STORAGE_DRIVER: '', FENTA_STORAGE_DIR: ' ', S3_BUCKET: '', S3_PREFIX: '', S3_ENDPOINT: '' }, defaults)).toEqual({
      driver: 'local',
      root: 'var/fenta/storage',
    });
  });

  it('asks for S3_BUCKET when the driver is s3', () => {
    expect(() => readStorageConfig({ FENTA_STORAGE_DRIVER: 's3' }, defaults)).toThrow(
      'Configuration is invalid: S3_BUCKET: is required when FENTA_STORAGE_DRIVER is "s3": set it to the name of the bucket',
    );
  });

  it('refuses an unknown driver', () => {
    expect(() => readStorageConfig({ FENTA_STORAGE_DRIVER: 'gcs' }, defaults)).toThrow(
      'Configuration is invalid: FENTA_STORAGE_DRIVER: must be "local" or "s3"',
    );
  });

  it('names every wrong variable in one error, without echoing the secret', () => {
    let caught: unknown;
    try {
      readStorageConfig(
        {
          FENTA_STORAGE_DRIVER: 's3',
          S3_REGION: 'EU Central',
          S3_ENDPOINT: 'minio:9000',
          S3_FORCE_PATH_STYLE: 'yes',
          S3_SECRET_ACCESS_KEY: 'do-not-print-me',
          S3_PREFIX: 'fenta/../other',
        },
        defaults,
      );
    } catch (error) {
      caught = error;
    }
    const problems = [
      'S3_REGION: must be a region name such as us-east-1',
      'S3_ENDPOINT: must be a URL starting with http:// or https://',
      'S3_FORCE_PATH_STYLE: must be "true" or "false"',
      'S3_PREFIX: must be a folder path such as "fenta/prod": no empty, "." or ".." parts, no backslash',
      'S3_BUCKET: is required when FENTA_STORAGE_DRIVER is "s3": set it to the name of the bucket',
      'S3_ACCESS_KEY_ID: is required when S3_SECRET_ACCESS_KEY is set (or unset both to use the default AWS credential chain)',
    ];
    expect(caught).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `Configuration is invalid: ${problems.join('; ')}`,
      details: { problems },
    });
    expect((caught as Error).message).not.toContain('do-not-print-me');
  });

  it('asks for the secret when only the access key id is set', () => {
    expect(() => readStorageConfig({ S3_BUCKET: 'fenta-media', S3_ACCESS_KEY_ID: 'minio-user' }, defaults)).toThrow(
      'Configuration is invalid: S3_SECRET_ACCESS_KEY: is required when S3_ACCESS_KEY_ID is set (or unset both to use the default AWS credential chain)',
    );
  });

  it('refuses a bucket name S3 would refuse', () => {
    expect(() => readStorageConfig({ S3_BUCKET: 'Fenta Media' }, defaults)).toThrow(
      'Configuration is invalid: S3_BUCKET: must be a bucket name: 3 to 63 lowercase letters, digits, ".", "-" or "_"',
    );
  });
});
