import { hashApiKey } from '@fenta/core';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { runCli } from './run-command';

/** `./fenta org create` and `./fenta key …` against a throwaway migrated database. */
describe('fenta org and key', () => {
  let database: TestDatabase;
  const env = () => ({ DATABASE_URL: database.url });

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(() => database.drop());

  it('creates an org, its owner and an owner key printed once on stdout', async () => {
    const created = await runCli(['org', 'create', '--name', 'Acme Shorts', '--email', 'Boss@Acme.test'], env());
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^fenta_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(
      /^created org org_\S+ \("Acme Shorts", slug acme-shorts\) owned by boss@acme\.test \(new user\), and owner key key_\S+\nthe key below is shown once: store it now\n$/,
    );
    const [row] = await database.query<{ org_id: string; role: string; email: string; scopes: string[]; key_prefix: string }>(
      `SELECT k.org_id, m.role, u.email, k.scopes, k.key_prefix FROM api_keys k JOIN users u ON u.id = k.user_id
       JOIN org_members m ON m.org_id = k.org_id AND m.user_id = k.user_id WHERE k.key_hash = $1`,
      [hashApiKey(key)],
    );
    expect(row).toMatchObject({ role: 'owner', email: 'boss@acme.test', key_prefix: key.slice(0, 14) });
    expect(row!.scopes).toHaveLength(14);

    // A second org of the same name gets a slug of its own; the same owner is reused.
    const again = await runCli(['org', 'create', '--name', 'Acme Shorts', '--email', 'boss@acme.test', '--json'], env());
    expect(again.code).toBe(0);
    const facts = JSON.parse(again.stdout) as { slug: string; user_created: boolean; key: string };
    expect(facts.slug).toMatch(/^acme-shorts-[0-9a-f]{6}$/);
    expect(facts.user_created).toBe(false);
  });

  it('creates, lists and revokes keys, within what the member may hold', async () => {
    const org = JSON.parse((await runCli(['org', 'create', '--name', 'Keys Inc', '--email', 'k@keys.test', '--json'], env())).stdout) as {
      org_id: string;
      slug: string;
    };
    const viewer = (await database.query<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ('v@keys.test', '!', 'v') RETURNING id`))[0]!
      .id;
    await database.query(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [org.org_id, viewer]);

    const made = await runCli(['key', 'create', '--org', org.slug, '--user', 'v@keys.test', '--name', 'dash', '--expires-in', '30d', '--json'], env());
    expect(made.code).toBe(0);
    const key = JSON.parse(made.stdout) as { key_id: string; scopes: string[]; expires_at: string };
    expect(key.scopes).toEqual(['workflows:read', 'jobs:read', 'templates:read', 'assets:read', 'schedules:read', 'webhooks:read', 'usage:read']);
    expect(new Date(key.expires_at).getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const wider = await runCli(['key', 'create', '--org', org.org_id, '--user', 'v@keys.test', '--scopes', 'jobs:execute'], env());
    expect(wider.code).toBe(2);
    expect(wider.stderr).toContain('CLI_USAGE');
    expect(wider.stderr).toContain('a viewer cannot hold jobs:execute');

    const list = await runCli(['key', 'list', '--org', org.org_id], env());
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+prefix\s+user\s+state\s+last used\s+scopes$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('dash');
    expect(lines[1]).toContain('v@keys.test');
    expect(list.stdout).not.toMatch(/fenta_[A-Za-z0-9_-]{43}/);

    const revoked = await runCli(['key', 'revoke', key.key_id], env());
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`revoked key ${key.key_id} of org ${org.org_id}`);
    const states = JSON.parse((await runCli(['key', 'list', '--org', org.org_id, '--json'], env())).stdout) as Array<{ id: string; state: string }>;
    expect(states.find((entry) => entry.id === key.key_id)?.state).toBe('revoked');
  });

  it('answers mistakes with one coded line', async () => {
    const cases: Array<[string[], number, string]> = [
      [['org', 'create', '--name', 'x'], 2, 'CLI_USAGE'],
      [['org', 'create', '--name', 'x', '--email', 'not-an-email'], 2, 'CLI_USAGE'],
      [['org', 'delete'], 2, 'CLI_USAGE'],
      [['key', 'list'], 2, 'CLI_USAGE'],
      [['key', 'list', '--org', 'org_nope'], 1, 'ORG_NOT_FOUND'],
      [['key', 'create', '--org', 'org_nope'], 1, 'ORG_NOT_FOUND'],
      [['key', 'revoke', '../etc'], 2, 'CLI_USAGE'],
      [['key', 'revoke', 'key_missing'], 1, 'API_KEY_NOT_FOUND'],
      [['key', 'create', '--org', 'org_x', '--scopes', 'root'], 2, 'CLI_USAGE'],
    ];
    for (const [args, code, errorCode] of cases) {
      const outcome = await runCli(args, env());
      expect({ args, code: outcome.code, lines: outcome.stderr.trim().split('\n').length }).toEqual({ args, code, lines: 1 });
      expect(outcome.stderr).toContain(errorCode);
      expect(outcome.stdout).toBe('');
    }
  });
});
