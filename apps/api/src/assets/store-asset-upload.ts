import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { FentaError } from '@fenta/core';
import {
  findAsset,
  insertAssetUpload,
  insertAssetVersion,
  latestAssetVersion,
  recordAssetFile,
  withSystemRole,
  type Asset,
  type AssetType,
  type AssetVersion,
  type DB,
} from '@fenta/db';
import { scopeStorageToOrg, type Storage } from '@fenta/storage';
import { asTenant, callerOf, type TenantScope } from '../tenancy/as-tenant';
import { assetFileKey, provisionalAssetKey } from './asset-file-key';
import { assetMediaTypes } from './asset-media-types';
import { assetView } from './asset-view';
import { withArticle, type UploadProbe } from './probe-upload';
import type { ReceivedUpload } from './receive-upload';

interface StoreDeps {
  db: Kysely<DB>;
  storage: Storage;
}

/**
 * Makes a probed upload an asset, in one tenant transaction: the caller
 * registers it (row-level security checks they may add assets to the org),
 * its file is stored under the id the database made, the system records what
 * probing measured, version 1 is added and the creation audited. If anything
 * fails, the transaction rolls back and the stored file is deleted: no row
 * without its file, no file without its row.
 */
export async function storeNewAsset(
  deps: StoreDeps,
  request: FastifyRequest,
  input: { upload: ReceivedUpload; probe: UploadProbe; name: string | null; tags: string[] },
): Promise<Asset> {
  const { upload, probe } = input;
  return withStoredFile(deps.storage, request, (storeFile) =>
    asTenant(deps.db, request, async ({ trx, caller, audit }) => {
      const id = await insertAssetUpload(trx, {
        orgId: caller.orgId,
        userId: caller.userId,
        type: probe.type,
        provisionalKey: provisionalAssetKey(caller.orgId),
        filename: input.name,
        contentType: upload.contentType,
        tags: input.tags,
      });
      const key = await storeFile(assetFileKey(caller.orgId, id, 1, assetMediaTypes[upload.contentType]!.extension), upload);
      await withSystemRole(trx, () => recordAssetFile(trx, caller.orgId, id, factsOf(key, deps.storage, upload, probe)));
      await insertAssetVersion(trx, { assetId: id, version: 1, storageKey: key, metadata: versionMetadata(upload, probe, input.name) });
      const row = await reread(trx, caller.orgId, id);
      await audit({ action: 'create', resourceType: 'asset', resourceId: id, changes: { after: assetView(row) } });
      return row;
    }),
  );
}

/**
 * Adds a probed upload as the next version of an asset, which then points at
 * it, in one tenant transaction (as storeNewAsset). The new file must be the
 * same kind of media as the asset (ASSET_TYPE_MISMATCH).
 */
export async function storeAssetVersion(
  deps: StoreDeps,
  request: FastifyRequest,
  input: { assetId: string; upload: ReceivedUpload; probe: UploadProbe },
): Promise<{ asset: Asset; version: AssetVersion }> {
  const { upload, probe, assetId } = input;
  return withStoredFile(deps.storage, request, (storeFile) =>
    asTenant(deps.db, request, async ({ trx, caller, audit }) => {
      const before = await findAsset(trx, caller.orgId, assetId, { forUpdate: true });
      if (!before) throw new FentaError('ASSET_NOT_FOUND', { asset: assetId });
      if (before.type !== probe.type) {
        throw new FentaError(
          'ASSET_TYPE_MISMATCH',
          {
            contentType: `a new version of ${withArticle(before.type as AssetType)} asset`,
            actual: `${withArticle(probe.type)} file`,
          },
          { details: { asset_type: before.type, found: { type: probe.type, format: probe.formatName } } },
        );
      }
      const number = (await latestAssetVersion(trx, assetId)) + 1;
      const key = await storeFile(assetFileKey(caller.orgId, assetId, number, assetMediaTypes[upload.contentType]!.extension), upload);
      // The version first: row-level security checks the caller may change this asset before the system touches it.
      const version = await insertAssetVersion(trx, { assetId, version: number, storageKey: key, metadata: versionMetadata(upload, probe, null) });
      await withSystemRole(trx, () => recordAssetFile(trx, caller.orgId, assetId, factsOf(key, deps.storage, upload, probe)));
      const after = await reread(trx, caller.orgId, assetId);
      await audit({
        action: 'update',
        resourceType: 'asset',
        resourceId: assetId,
        changes: { before: assetView(before), after: assetView(after) },
        metadata: { version: number },
      });
      return { asset: after, version };
    }),
  );
}

type StoreFile = (key: string, upload: ReceivedUpload) => Promise<string>;

/** Runs `fn` with a way to store files for the caller's org; if `fn` fails, what it stored is deleted again. */
async function withStoredFile<T>(storage: Storage, request: FastifyRequest, fn: (storeFile: StoreFile) => Promise<T>): Promise<T> {
  const orgStorage = scopeStorageToOrg(storage, callerOf(request).orgId);
  const stored: string[] = [];
  try {
    return await fn(async (key, upload) => {
      stored.push(key);
      await orgStorage.putFile(key, upload.path, { contentType: upload.contentType });
      return key;
    });
  } catch (error) {
    for (const key of stored) {
      await orgStorage.delete(key).catch((cause: unknown) => request.log.error({ err: cause, key }, 'could not delete the file of an upload that failed'));
    }
    throw error;
  }
}

function factsOf(key: string, storage: Storage, upload: ReceivedUpload, probe: UploadProbe) {
  return {
    storageKey: key,
    storageProvider: storage.driver,
    contentType: upload.contentType,
    sizeBytes: probe.sizeBytes,
    durationSeconds: probe.durationSeconds,
    width: probe.width,
    height: probe.height,
    fps: probe.fps,
    codec: probe.codec,
  };
}

/** What a version keeps of its own file, since the asset's columns describe only the latest one. */
function versionMetadata(upload: ReceivedUpload, probe: UploadProbe, name: string | null): Record<string, unknown> {
  return {
    filename: name,
    content_type: upload.contentType,
    format: probe.formatName,
    size_bytes: probe.sizeBytes,
    duration_seconds: probe.durationSeconds,
    width: probe.width,
    height: probe.height,
    fps: probe.fps,
    codec: probe.codec,
  };
}

async function reread(trx: TenantScope['trx'], orgId: string, assetId: string): Promise<Asset> {
  const row = await findAsset(trx, orgId, assetId);
  if (!row) throw new Error(`asset ${assetId} vanished inside its own transaction`);
  return row;
}
