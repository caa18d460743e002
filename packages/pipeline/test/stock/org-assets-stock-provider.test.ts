import path from 'node:path';
import { FentaError } from '@fenta/core';
import type { DB } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import type { Kysely } from 'kysely';
import type { StockRequest } from '../../src/providers/pipeline-providers';
import { OrgAssetsStockProvider } from '../../src/providers/stock/org-assets-stock-provider';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { makeTestVideo } from './make-test-video';

let database: TestDatabase;
let test: NodeTestContext;
let provider: OrgAssetsStockProvider;

interface AssetRow {
  id: string;
  org?: string;
  type?: string;
  status?: string;
  tags?: unknown;
  deleted?: boolean;
  dims?: boolean;
  stored?: boolean;
}

const assets: AssetRow[] = [
  { id: 'asset_city_night', tags: ['City', 'night'] },
  { id: 'asset_city_undimensioned', tags: ['city'], dims: false },
  { id: 'asset_forest', tags: ['forest'] },
  { id: 'asset_city_processing', tags: ['city'], status: 'processing' },
  { id: 'asset_city_image', tags: ['city'], type: 'image' },
  { id: 'asset_city_deleted', tags: ['city'], deleted: true },
  { id: 'asset_tags_not_a_list', tags: 'city' },
  { id: 'asset_city_file_gone', tags: ['city'], stored: false },
  { id: 'asset_other_org_city', tags: ['city', 'night'], org: 'org_other' },
];

beforeAll(async () => {
  database = await createTestDatabase({ migrated: true });
  test = await createNodeTestContext();
  provider = new OrgAssetsStockProvider(database.db as Kysely<DB>);
  const db = database.db;
  await db
    .insertInto('users')
    .values([
      { id: 'user_a', email: 'a@example.com', password_hash: 'x', name: 'A' },
      { id: 'user_b', email: 'b@example.com', password_hash: 'x', name: 'B' },
    ])
    .execute();
  await db
    .insertInto('orgs')
    .values([
      { id: 'org_test', name: 'Test', slug: 'test', owner_id: 'user_a' },
      { id: 'org_other', name: 'Other', slug: 'other', owner_id: 'user_b' },
    ])
    .execute();
  const videoPath = path.join(test.root, 'asset.mp4');
  await makeTestVideo(videoPath, { width: 96, height: 160, seconds: 2, fps: 12 });
  for (const [index, asset] of assets.entries()) {
    const key = `orgs/${asset.org ?? 'org_test'}/assets/${asset.id}.mp4`;
    if (asset.stored !== false) await test.storage.putFile(key, videoPath, { contentType: 'video/mp4' });
    await db
      .insertInto('assets')
      .values({
        id: asset.id,
        org_id: asset.org ?? 'org_test',
        type: asset.type ?? 'video',
        source: 'upload',
        storage_key: key,
        content_type: 'video/mp4',
        status: asset.status ?? 'ready',
        metadata: JSON.stringify({ tags: asset.tags }),
        ...(asset.dims === false ? {} : { width: 1080, height: 1920, fps: 30, duration_seconds: 8.5 }),
        deleted_at: asset.deleted ? new Date() : null,
        // Older rows first, so "newest first" is visible in the order.
        created_at: new Date(Date.UTC(2026, 0, 1 + index)),
      })
      .execute();
  }
});

afterAll(async () => {
  await test?.cleanup();
  await database?.drop();
});

function request(overrides: Partial<StockRequest> = {}): StockRequest {
  return { queries: ['city night'], count: 5, frame: { width: 1080, height: 1920 }, minDurationSeconds: 0, excludeIds: [], ...overrides };
}

describe('OrgAssetsStockProvider', () => {
  it("returns only the org's own ready, not deleted, tagged videos, pointing at their stored files", async () => {
    const clips = await provider.fetchClips(test.ctx, request());
    expect(clips).toEqual([
      {
        file: { key: 'orgs/org_test/assets/asset_city_night.mp4', contentType: 'video/mp4', bytes: expect.any(Number) },
        durationSeconds: 8.5,
        width: 1080,
        height: 1920,
        fps: 30,
        source: { provider: 'assets', id: 'asset_city_night' },
        query: 'city night',
      },
      {
        // No size in the row: measured from the file.
        file: { key: 'orgs/org_test/assets/asset_city_undimensioned.mp4', contentType: 'video/mp4', bytes: expect.any(Number) },
        durationSeconds: 2,
        width: 96,
        height: 160,
        fps: 12,
        source: { provider: 'assets', id: 'asset_city_undimensioned' },
        query: 'city night',
      },
    ]);
    expect(test.record.logs).toContainEqual({
      level: 'warn',
      message: 'asset file is missing from storage, skipped',
      data: { asset: 'asset_city_file_gone', key: 'orgs/org_test/assets/asset_city_file_gone.mp4' },
    });
  });

  it('skips excluded ids and honours the count', async () => {
    const clips = await provider.fetchClips(test.ctx, request({ excludeIds: ['asset_city_night'], count: 1 }));
    expect(clips.map((clip) => clip.source.id)).toEqual(['asset_city_undimensioned']);
  });

  it('tries the queries in order', async () => {
    const clips = await provider.fetchClips(test.ctx, request({ queries: ['forest', 'night'], count: 2 }));
    expect(clips.map((clip) => [clip.source.id, clip.query])).toEqual([
      ['asset_forest', 'forest'],
      ['asset_city_night', 'night'],
    ]);
  });

  it("sees each org's assets only", async () => {
    const other = await createNodeTestContext({ orgId: 'org_other', storage: test.storage });
    const nobody = await createNodeTestContext({ orgId: 'org_nobody', storage: test.storage });
    try {
      const clips = await provider.fetchClips(other.ctx, request());
      expect(clips.map((clip) => clip.source.id)).toEqual(['asset_other_org_city']);
      const error = await provider.fetchClips(nobody.ctx, request()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(FentaError);
      expect((error as FentaError).message).toBe('No stock footage found for "city night" at assets');
    } finally {
      await other.cleanup();
      await nobody.cleanup();
    }
  });

  it("matches the node's tags as they are, not the words of the query", async () => {
    const clips = await provider.fetchClips(test.ctx, request({ queries: ['night'], tags: ['city night', 'night'] }));
    expect(clips.map((clip) => [clip.source.id, clip.query])).toEqual([['asset_city_night', 'night']]);
    await expect(provider.fetchClips(test.ctx, request({ queries: ['city'], tags: ['volcano'] }))).rejects.toMatchObject({ code: 'STOCK_NO_RESULTS' });
  });

  it('fails with STOCK_NO_RESULTS when no tag matches', async () => {
    await expect(provider.fetchClips(test.ctx, request({ queries: ['volcano'] }))).rejects.toMatchObject({ code: 'STOCK_NO_RESULTS' });
  });
});
