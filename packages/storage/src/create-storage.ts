import { LocalStorage } from './local-storage';
import { S3Storage } from './s3-storage';
import type { Storage } from './storage';
import type { StorageConfig } from './storage-config';

/** Builds the storage an app was configured for (see `readStorageConfig`). */
export function createStorage(config: StorageConfig): Storage {
  switch (config.driver) {
    case 'local':
      return new LocalStorage(config.root);
    case 's3': {
      const { driver: _driver, ...s3 } = config;
      return new S3Storage(s3);
    }
  }
}
