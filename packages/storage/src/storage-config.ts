import type { S3StorageConfig } from './s3-storage';

/** Which storage driver to build and how: local disk under `root`, or an S3 bucket. */
export type StorageConfig = { driver: 'local'; root: string } | ({ driver: 's3' } & S3StorageConfig);
