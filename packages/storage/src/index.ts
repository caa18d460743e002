export type { Storage, StoredObject } from './storage';
export type { StorageConfig } from './storage-config';
export { LocalStorage } from './local-storage';
export { S3Storage, type S3StorageConfig, type S3UploadTuning } from './s3-storage';
export { createStorage } from './create-storage';
export { readStorageConfig } from './read-storage-config';
export { assertValidKey } from './storage-key';
export { artifactKey, scopeStorageToOrg, sharedStoragePrefixes } from './org-scoped-storage';
