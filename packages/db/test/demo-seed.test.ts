import { builtInTemplates, demoWorkflow, ensureDemoApiKey, seedBuiltInTemplates, seedDemoOrg } from '@fenta/db';
import { issueApiKey, scopesOfRole } from '@fenta/core';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

const countedTables = ['users', 'orgs', 'org_members', 'templates', 'workflows', 'workflow_versions', 'api_keys'];

describe('demo seed', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(() => database.drop());

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of countedTables) {
      const [row] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      result[table] = row!.n;
    }
    return result;
  }

  it('installs the public templates, including the specification sample under its id', async () => {
    await seedBuiltInTemplates(database.db);
    const rows = await database.query<{
      id: string;
      name: string;
      is_public: boolean;
      org_id: string | null;
      spec: unknown;
      aspect: string;
      resolution: string;
    }>('SELECT id, name, is_public, org_id, spec, aspect, resolution FROM templates ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(builtInTemplates.map((t) => t.id).sort());
    const sample = rows.find((row) => row.id === 'tmpl_shorts_v1');
    expect(sample).toMatchObject({ name: 'Shorts Clean Bold', is_public: true, org_id: null, aspect: '9:16', resolution: '1080x1920' });
    expect(sample?.spec).toMatchObject({
      overlays: [{ track: 'top_text', from: 0, to: 3, content: { type: 'text', text: 'BREAKING STORY', pos: 'top', anim: 'slide-down' } }],
      rules: { cuts: 'auto_by_beats_or_speech', min_scene: 1.2, max_scene: 4.0 },
      placeholders: { cover: 'image', logo: 'image_optional', music: 'audio_optional' },
    });
  });

  it('creates the demo org, owner and sample workflow once; a second run changes nothing', async () => {
    const first = await seedDemoOrg(database.db);
    expect(first).toEqual({ userId: 'user_demo', orgId: 'org_demo', workflowId: 'wf_daily_news_01' });
    const after = await counts();
    await seedBuiltInTemplates(database.db);
    await seedDemoOrg(database.db);
    expect(await counts()).toEqual(after);

    const [workflow] = await database.query<{ name: string; org_id: string; graph: unknown }>(
      `SELECT name, org_id, graph FROM workflows WHERE id = 'wf_daily_news_01'`,
    );
    expect(workflow).toEqual({ name: 'Daily News Shorts', org_id: 'org_demo', graph: demoWorkflow.graph });
    const versions = await database.query(`SELECT version FROM workflow_versions WHERE workflow_id = 'wf_daily_news_01'`);
    expect(versions).toEqual([{ version: 1 }]);
    const members = await database.query(`SELECT user_id, role FROM org_members WHERE org_id = 'org_demo'`);
    expect(members).toEqual([{ user_id: 'user_demo', role: 'owner' }]);
  });

  it('keeps a demo API key the caller still holds, and replaces one it lost', async () => {
    const first = issueApiKey();
    expect(await ensureDemoApiKey(database.db, { issued: first })).toEqual({ key: 'issued' });
    await database.query(`UPDATE api_keys SET scopes = '["jobs:execute"]' WHERE key_hash = $1`, [first.hash]);
    expect(await ensureDemoApiKey(database.db, { heldKeyHash: first.hash, issued: issueApiKey() })).toEqual({ key: 'held' });
    // A held key of an older release gets every scope of the owner role.
    const [held] = await database.query<{ scopes: string[] }>(`SELECT scopes FROM api_keys WHERE key_hash = $1`, [first.hash]);
    expect([...held!.scopes].sort()).toEqual([...scopesOfRole.owner].sort());

    const replacement = issueApiKey();
    expect(await ensureDemoApiKey(database.db, { heldKeyHash: 'lost', issued: replacement })).toEqual({ key: 'issued' });
    const keys = await database.query<{ key_hash: string; revoked: boolean }>(
      `SELECT key_hash, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE org_id = 'org_demo' ORDER BY created_at`,
    );
    expect(keys).toEqual([
      { key_hash: first.hash, revoked: true },
      { key_hash: replacement.hash, revoked: false },
    ]);
    // Only hashes are stored, never the key itself.
    const leaked = await database.query(`SELECT 1 FROM api_keys WHERE key_hash = $1 OR key_prefix = $1`, [replacement.key]);
    expect(leaked).toEqual([]);
  });
});
