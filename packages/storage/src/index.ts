export type { Storage, StoredObject } from './storage';
export { LocalStorage } from './local-storage';
export { assertValidKey } from './storage-key';
