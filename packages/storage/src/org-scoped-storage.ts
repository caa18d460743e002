import { FentaError, isNodeId, isRowId, quoteId } from '@fenta/core';
import type { Storage } from './storage';
import { assertValidKey } from './storage-key';

/**
 * Keys every org's jobs may read and write besides their own: footage Fenta
 * draws itself (the offline library), shared because it holds nothing of any
 * tenant's (its names carry only a hash of the words drawn).
 */
export const sharedStoragePrefixes = ['library/'] as const;

/** The storage key of an artifact a node stores: `orgs/{org}/jobs/{job}/{node}/{name}`, each part checked against its grammar. */
export function artifactKey(orgId: string, jobId: string, nodeId: string, name: string): string {
  if (!isRowId(orgId, 'org')) throw new FentaError('STORAGE_KEY_INVALID', { key: `orgs/${quoteId(orgId)}`, reason: 'the org id is not an org id' });
  if (!isRowId(jobId, 'job')) throw new FentaError('STORAGE_KEY_INVALID', { key: `jobs/${quoteId(jobId)}`, reason: 'the job id is not a job id' });
  if (!isNodeId(nodeId)) throw new FentaError('STORAGE_KEY_INVALID', { key: quoteId(nodeId), reason: 'the node id is not a node id' });
  const key = `orgs/${orgId}/jobs/${jobId}/${nodeId}/${name}`;
  assertValidKey(key);
  return key;
}

/**
 * A view of `storage` for the work of one org: every key it is given must be
 * a valid key under `orgs/{orgId}/` (or a shared prefix), or it throws
 * STORAGE_KEY_NOT_OWNED before touching anything. Keys a tenant chose (an
 * asset's storage key, a `music` variable) reach storage only through this,
 * so no provider can be led into another org's files.
 */
export function scopeStorageToOrg(storage: Storage, orgId: string): Storage {
  const own = `orgs/${orgId}/`;
  const check = (key: string): string => {
    assertValidKey(key);
    if (!key.startsWith(own) && !sharedStoragePrefixes.some((prefix) => key.startsWith(prefix))) {
      throw new FentaError('STORAGE_KEY_NOT_OWNED', { key, org: orgId });
    }
    return key;
  };
  return {
    driver: storage.driver,
    // async, so a refused key is a rejected promise like any other storage failure.
    putFile: async (key, path, options) => storage.putFile(check(key), path, options),
    putBytes: async (key, body, options) => storage.putBytes(check(key), body, options),
    getFile: async (key, path) => storage.getFile(check(key), path),
    getBytes: async (key) => storage.getBytes(check(key)),
    stat: async (key) => storage.stat(check(key)),
    localPath: (key) => storage.localPath(check(key)),
    downloadUrl: async (key, options) => storage.downloadUrl(check(key), options),
    delete: async (key) => storage.delete(check(key)),
  };
}
