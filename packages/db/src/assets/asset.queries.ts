import { sql, type Kysely, type Transaction } from 'kysely';
import type { Asset, AssetVersion, DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The kinds of media an asset is (the assets_type_check of 00003). */
export type AssetType = 'video' | 'audio' | 'image';

/** What an upload registers as its tenant: the columns 00009 lets editors write. */
export interface NewAssetUpload {
  orgId: string;
  userId: string;
  type: AssetType;
  /** Where the row points until the system records the stored file (the id it is stored under is the row's, made by the database). */
  provisionalKey: string;
  filename: string | null;
  contentType: string;
  tags: string[];
}

/**
 * Registers an upload in the tenant transaction: row-level security checks
 * that the caller may add assets to the org (editor or above) as themselves.
 * The row starts `processing`; `recordAssetFile` completes it.
 */
export async function insertAssetUpload(trx: Transaction<DB>, input: NewAssetUpload): Promise<string> {
  const row = await trx
    .insertInto('assets')
    .values({
      org_id: input.orgId,
      type: input.type,
      source: 'upload',
      storage_key: input.provisionalKey,
      filename: input.filename,
      content_type: input.contentType,
      metadata: JSON.stringify({ tags: input.tags }),
      created_by: input.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** What ffprobe measured of a stored file: the system's columns of an asset. */
export interface AssetFileFacts {
  storageKey: string;
  /** The storage driver the file is in (`local` or `s3`). */
  storageProvider: string;
  /** The content type the file was uploaded as (a new version may change it within the asset's kind). */
  contentType: string;
  sizeBytes: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codec: string | null;
}

/**
 * Points the asset at its stored, probed file and marks it ready. These are
 * system columns (00009): run it through `withSystemRole` inside the tenant
 * transaction that registered the asset, after the file was stored and
 * probed, so the row and its facts commit together.
 */
export async function recordAssetFile(trx: Transaction<DB>, orgId: string, assetId: string, facts: AssetFileFacts): Promise<void> {
  await trx
    .updateTable('assets')
    .set({
      storage_key: facts.storageKey,
      storage_provider: facts.storageProvider,
      content_type: facts.contentType,
      size_bytes: facts.sizeBytes,
      duration_seconds: facts.durationSeconds,
      width: facts.width,
      height: facts.height,
      fps: facts.fps,
      codec: facts.codec,
      status: 'ready',
    })
    .where('id', '=', assetId)
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
}

/** Adds a version of an asset's file (tenants may: row-level security scopes it through the asset's org). */
export async function insertAssetVersion(
  trx: Transaction<DB>,
  input: { assetId: string; version: number; storageKey: string; metadata: Record<string, unknown> },
): Promise<AssetVersion> {
  return trx
    .insertInto('asset_versions')
    .values({ asset_id: input.assetId, version: input.version, storage_key: input.storageKey, metadata: JSON.stringify(input.metadata) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The org's asset with this id, unless deleted; `forUpdate` locks it for a change in this transaction. */
export async function findAsset(db: Db, orgId: string, assetId: string, options: { forUpdate?: boolean } = {}): Promise<Asset | undefined> {
  let query = db.selectFrom('assets').selectAll().where('id', '=', assetId).where('org_id', '=', orgId).where('deleted_at', 'is', null);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The highest version number of an asset's files (0 when it has none). */
export async function latestAssetVersion(db: Db, assetId: string): Promise<number> {
  const row = await db
    .selectFrom('asset_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  return row?.version ?? 0;
}

/** An asset's versions, newest first. */
export async function listAssetVersions(db: Db, assetId: string): Promise<AssetVersion[]> {
  return db.selectFrom('asset_versions').selectAll().where('asset_id', '=', assetId).orderBy('version', 'desc').execute();
}

export interface AssetListQuery {
  orgId: string;
  type?: AssetType;
  /** Only assets carrying this tag (tags are stored lowercase). */
  tag?: string;
  /** The id the previous page ended with: this page starts after it. */
  after?: string;
  /** Rows to fetch (a page's size plus one, to know whether there is a next page). */
  limit: number;
}

/** The org's assets that are not deleted, newest first (ids sort by creation), filtered by type and tag. */
export async function listAssets(db: Db, query: AssetListQuery): Promise<Asset[]> {
  let select = db.selectFrom('assets').selectAll().where('org_id', '=', query.orgId).where('deleted_at', 'is', null);
  if (query.type !== undefined) select = select.where('type', '=', query.type);
  // jsonb containment, which the GIN index on metadata (00008) serves.
  if (query.tag !== undefined) select = select.where(sql<boolean>`metadata @> ${JSON.stringify({ tags: [query.tag] })}::jsonb`);
  if (query.after !== undefined) select = select.where('id', '<', query.after);
  return select.orderBy('id', 'desc').limit(query.limit).execute();
}

/** Renames an asset or replaces its tags (the columns 00009 lets editors update); the row after, or undefined when it is not the org's. */
export async function updateAssetDetails(
  trx: Transaction<DB>,
  orgId: string,
  assetId: string,
  change: { filename?: string | null; tags?: string[] },
): Promise<Asset | undefined> {
  let update = trx.updateTable('assets').where('id', '=', assetId).where('org_id', '=', orgId).where('deleted_at', 'is', null);
  if (change.filename !== undefined) update = update.set({ filename: change.filename });
  if (change.tags !== undefined) update = update.set({ metadata: sql`jsonb_set(metadata, '{tags}', ${JSON.stringify(change.tags)}::jsonb)` });
  return update.returningAll().executeTakeFirst();
}

/** Marks an asset deleted (its files stay in storage); the row after, or undefined when it is not the org's or already deleted. */
export async function softDeleteAsset(trx: Transaction<DB>, orgId: string, assetId: string): Promise<Asset | undefined> {
  return trx
    .updateTable('assets')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', assetId)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
