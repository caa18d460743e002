import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { probeMedia } from '@fenta/media';
import { LocalStorage } from '@fenta/storage';
import { createTestDatabase, jobCostAndUsage, type TestDatabase } from '@fenta/testing';
import type { Footage } from '../../src/artifacts/artifact-types';
import { runJob, type ExecutorDeps } from '../../src/executor/run-job';
import { builtInNodeRegistry } from '../../src/nodes/built-in-node-types';
import { createPipelineProviders } from '../../src/providers/create-pipeline-providers';
import { defaultPriceTable } from '../../src/usage/price-table';
import { makeTestVideo } from './make-test-video';

/**
 * The sample workflow with `Input.Stock` reading the org's own assets by tag
 * (`{ provider: 'assets', tags: ['beach'] }`), run by the executor with real
 * ffmpeg: the footage is the org's beach clip, not another org's, not a
 * deleted one, not the offline library.
 */
describe('a render whose footage is the org’s tagged assets', () => {
  let database: TestDatabase;
  let root: string;
  let deps: ExecutorDeps;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(
      `INSERT INTO users (id, email, password_hash, name) VALUES ('user_b', 'b@example.com', '!', 'B'), ('user_o', 'o@example.com', '!', 'O')`,
    );
    await database.query(
      `INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_beach', 'Beach', 'beach', 'user_b'), ('org_other', 'Other', 'other', 'user_o')`,
    );
    await seedBuiltInTemplates(database.db);
    root = await mkdtemp(path.join(tmpdir(), 'fenta-assets-render-'));
    const storage = new LocalStorage(path.join(root, 'storage'));
    const clip = path.join(root, 'beach.mp4');
    await makeTestVideo(clip, { width: 108, height: 192, seconds: 4, fps: 25 });
    // As an upload leaves them: ready, probed, under orgs/{org}/assets/{asset}/.
    const assets = [
      { id: 'asset_beach', org: 'org_beach', tags: ['beach', 'sunset'], deleted: false },
      { id: 'asset_beach_deleted', org: 'org_beach', tags: ['beach'], deleted: true },
      { id: 'asset_forest', org: 'org_beach', tags: ['forest'], deleted: false },
      { id: 'asset_other_beach', org: 'org_other', tags: ['beach'], deleted: false },
    ];
    for (const asset of assets) {
      const key = `orgs/${asset.org}/assets/${asset.id}/v1.mp4`;
      await storage.putFile(key, clip, { contentType: 'video/mp4' });
      await database.query(
        `INSERT INTO assets (id, org_id, type, source, storage_key, content_type, status, metadata, width, height, fps, duration_seconds, deleted_at)
         VALUES ($1, $2, 'video', 'upload', $3, 'video/mp4', 'ready', $4, 108, 192, 25, 4, CASE WHEN $5 THEN now() END)`,
        [asset.id, asset.org, key, JSON.stringify({ tags: asset.tags }), asset.deleted],
      );
    }
    deps = {
      db: database.db,
      storage,
      registry: builtInNodeRegistry,
      // Not strict: the script and voice run offline; the footage is asserted to be the asset below.
      providers: createPipelineProviders({ strict: false, db: database.db }),
      logger: createLogger({ service: 'assets-render', level: 'silent' }),
      prices: defaultPriceTable,
      tempRoot: path.join(root, 'tmp'),
      publicUrl: 'http://127.0.0.1:8080',
    };
  }, 60_000);

  afterAll(async () => {
    await database.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('renders the sample workflow cut to the beach asset', async () => {
    const graph = JSON.parse(JSON.stringify(demoWorkflow.graph)) as { nodes: Array<{ id: string; params: Record<string, unknown> }> };
    graph.nodes[0]!.params = { provider: 'assets', tags: ['Beach'] };
    graph.nodes[5]!.params = { ...graph.nodes[5]!.params, preset: 'ultrafast' };
    const [job] = await database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ('org_beach', 'user_b', $1) RETURNING id`, [
      JSON.stringify({ graph, variables: demoWorkflow.variables }),
    ]);
    const outcome = await runJob(deps, { jobId: job!.id, finalAttempt: true });
    if (outcome.status !== 'completed') throw new Error(`job ended ${outcome.status}: ${JSON.stringify(outcome)}`);

    const [node] = await database.query<{ output: Footage }>(`SELECT output FROM job_nodes WHERE job_id = $1 AND node_id = 'n1'`, [job!.id]);
    expect(node!.output.clips).toEqual([
      {
        file: { key: 'orgs/org_beach/assets/asset_beach/v1.mp4', contentType: 'video/mp4', bytes: expect.any(Number) },
        durationSeconds: 4,
        width: 108,
        height: 192,
        fps: 25,
        source: { provider: 'assets', id: 'asset_beach' },
        query: 'beach',
      },
    ]);
    const [render] = await database.query<{ video_storage_path: string }>(`SELECT video_storage_path FROM renders WHERE job_id = $1`, [job!.id]);
    const video = await probeMedia(deps.storage.localPath(render!.video_storage_path)!);
    expect(video).toMatchObject({ width: 1080, height: 1920, videoCodec: 'h264', audioCodec: 'aac' });
    expect(video.durationSeconds).toBeGreaterThan(10);
    const cost = await jobCostAndUsage(database.query, job!.id);
    expect(cost.cost_total_usd).toBe(cost.usage_sum_usd);
  }, 240_000);
});
