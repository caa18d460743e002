import { FentaError, isRowId, quoteId } from '@fenta/core';
import { assertValidKey } from '@fenta/storage';

/**
 * The storage key of an asset's file: `orgs/{org}/assets/{asset}/v{version}.{ext}`,
 * built from ids and the extension of its allowed content type only, never
 * from anything the client named (the assets_storage_key_check of 00010
 * holds it under the org's folder too).
 */
export function assetFileKey(orgId: string, assetId: string, version: number, extension: string): string {
  if (!isRowId(orgId, 'org')) throw new FentaError('STORAGE_KEY_INVALID', { key: `orgs/${quoteId(orgId)}`, reason: 'the org id is not an org id' });
  if (!isRowId(assetId, 'asset')) throw new FentaError('STORAGE_KEY_INVALID', { key: `assets/${quoteId(assetId)}`, reason: 'the asset id is not an asset id' });
  if (!Number.isInteger(version) || version < 1 || !/^[a-z0-9]{1,8}$/.test(extension)) {
    throw new FentaError('STORAGE_KEY_INVALID', { key: `v${version}.${extension}`, reason: 'not a version number and extension' });
  }
  const key = `orgs/${orgId}/assets/${assetId}/v${version}.${extension}`;
  assertValidKey(key);
  return key;
}

/** Where a new asset's row points in the moment between its registration and the system recording its stored file (same transaction). */
export function provisionalAssetKey(orgId: string): string {
  return `orgs/${orgId}/assets/registering`;
}
