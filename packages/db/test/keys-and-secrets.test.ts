import { attemptAll, createTwoOrgs, noPrivilege, policyRefused, untouched, type MemberRole, type Outcome, type TwoOrgs } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// API keys: who creates them, with which scopes, and what a holder may still
// change. Secrets: webhook signing secrets and integration credentials are
// not readable through the tables by any member; owners and admins read
// credentials through fenta_integration_credentials().

const roles = ['viewer', 'editor', 'admin'] as const;

const readScopes = ['workflows:read', 'jobs:read', 'templates:read', 'assets:read', 'schedules:read', 'webhooks:read', 'usage:read'];
const writeScopes = ['workflows:write', 'jobs:execute', 'templates:write', 'assets:write', 'schedules:write', 'webhooks:write'];
const allScopes = [...readScopes, ...writeScopes, 'keys:write'];

describe('API keys and secrets', () => {
  let database: TestDatabase;
  let two: TwoOrgs;
  /** Per role: an active, a revoked and an expired key of that member, made by the system. */
  const keys: Record<string, { active: string; revoked: string; expired: string }> = {};

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    two = await createTwoOrgs(database.query);
    for (const role of roles) {
      const make = async (kind: string, extra: string) => {
        const [row] = await database.query<{ id: string }>(
          `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix, scopes, revoked_at, expires_at)
           VALUES ($1, $2, $3, $4, 'fk_', '["jobs:read"]', ${extra}) RETURNING id`,
          [two.users[role], two.orgA, kind, `hash-${role}-${kind}`],
        );
        return row!.id;
      };
      keys[role] = {
        active: await make('active', `NULL, now() + interval '30 days'`),
        revoked: await make('revoked', `now() - interval '1 day', NULL`),
        expired: await make('expired', `NULL, now() - interval '1 day'`),
      };
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  it('bounds the scopes each role may grant: viewers read, editors also write and run, owners and admins also manage keys', async () => {
    const [row] = await database.query<Record<string, string[]>>(`
      SELECT fenta_api_key_scopes_for_role('viewer') AS viewer, fenta_api_key_scopes_for_role('editor') AS editor,
             fenta_api_key_scopes_for_role('admin') AS admin, fenta_api_key_scopes_for_role('owner') AS owner,
             fenta_api_key_scopes_for_role('guest') AS guest`);
    expect(row).toEqual({ viewer: readScopes, editor: [...readScopes, ...writeScopes], admin: allScopes, owner: allScopes, guest: [] });
  });

  it.each(roles)('the %s cannot re-scope, re-hash, extend, move or revive its own keys', async (role) => {
    const own = keys[role]!;
    const statements: Record<string, [string, unknown[]]> = {
      'widen the scopes': [`UPDATE api_keys SET scopes = '["keys:write"]' WHERE id = $1`, [own.active]],
      extend: [`UPDATE api_keys SET expires_at = now() + interval '10 years' WHERE id = $1`, [own.expired]],
      're-hash': [`UPDATE api_keys SET key_hash = 'known' WHERE id = $1`, [own.active]],
      're-prefix': [`UPDATE api_keys SET key_prefix = 'x' WHERE id = $1`, [own.active]],
      'move to another org': [`UPDATE api_keys SET org_id = $2 WHERE id = $1`, [own.active, two.orgB]],
      'give to another user': [`UPDATE api_keys SET user_id = $2 WHERE id = $1`, [own.active, two.users.owner]],
      'mark as used': [`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [own.active]],
      revive: [`UPDATE api_keys SET revoked_at = NULL WHERE id = $1 RETURNING id`, [own.revoked]],
      'rename a revoked key': [`UPDATE api_keys SET name = 'again' WHERE id = $1 RETURNING id`, [own.revoked]],
      'rename an expired key': [`UPDATE api_keys SET name = 'again' WHERE id = $1 RETURNING id`, [own.expired]],
      'revoke in the future': [`UPDATE api_keys SET revoked_at = now() + interval '1 year' WHERE id = $1 RETURNING id`, [own.active]],
      "rename another's key": [`UPDATE api_keys SET name = 'mine' WHERE id = $1 RETURNING id`, [two.rowsA.api_keys]],
      "delete another's key": [`DELETE FROM api_keys WHERE id = $1 RETURNING id`, [two.rowsA.api_keys]],
    };
    const { outcomes, before, after } = await attemptAll(database, two.users[role], statements);
    expect(outcomes).toEqual({
      'widen the scopes': noPrivilege('api_keys'),
      extend: noPrivilege('api_keys'),
      're-hash': noPrivilege('api_keys'),
      're-prefix': noPrivilege('api_keys'),
      'move to another org': noPrivilege('api_keys'),
      'give to another user': noPrivilege('api_keys'),
      'mark as used': noPrivilege('api_keys'),
      revive: untouched,
      'rename a revoked key': untouched,
      'rename an expired key': untouched,
      'revoke in the future': policyRefused('api_keys'),
      "rename another's key": untouched,
      "delete another's key": untouched,
    });
    expect(after).toEqual(before);
  });

  it.each(roles)('the %s renames and revokes its own valid key', async (role) => {
    const result = await database.withUser(two.users[role], async (q) => ({
      renamed: await q(`UPDATE api_keys SET name = 'ci' WHERE id = $1 RETURNING name`, [keys[role]!.active]),
      revoked: await q(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING revoked_at IS NOT NULL AS revoked`, [keys[role]!.active]),
      again: await q(`UPDATE api_keys SET name = 'after' WHERE id = $1 RETURNING name`, [keys[role]!.active]),
    }));
    expect(result).toEqual({ renamed: [{ name: 'ci' }], revoked: [{ revoked: true }], again: [] });
  });

  it.each(roles)('the %s creates keys only as an owner or admin, for itself, in its org, with known scopes', async (role) => {
    const me = two.users[role];
    const key = (label: string, userId: string, orgId: string | null, scopes: unknown, extra = ''): [string, unknown[]] => [
      `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix, scopes${extra ? ', ' + extra : ''})
       VALUES ($1, $2, 'k', $3, 'fk_', $4${extra ? ', now()' : ''}) RETURNING scopes`,
      [userId, orgId, `hash-new-${role}-${label}`, JSON.stringify(scopes)],
    ];
    const statements = {
      'read scopes': key('read', me, two.orgA, ['jobs:read', 'usage:read']),
      'every scope': key('all', me, two.orgA, allScopes),
      'an unknown scope': key('unknown', me, two.orgA, ['jobs:read', 'jobs:delete']),
      'scopes that are not a list': key('object', me, two.orgA, { 'jobs:read': true }),
      'a scope that is not a string': key('number', me, two.orgA, [1]),
      'for another member': key('other', two.users.owner, two.orgA, ['jobs:read']),
      'without an org': key('no-org', me, null, ['jobs:read']),
      'in another org': key('org-b', me, two.orgB, ['jobs:read']),
      'already revoked': key('revoked', me, two.orgA, ['jobs:read'], 'revoked_at'),
      'already used': key('used', me, two.orgA, ['jobs:read'], 'last_used_at'),
    };
    const { outcomes } = await attemptAll(database, me, statements);
    const admin = role === 'admin';
    const expected: Record<string, Outcome> = {
      'read scopes': admin ? { rows: [{ scopes: ['jobs:read', 'usage:read'] }] } : policyRefused('api_keys'),
      'every scope': admin ? { rows: [{ scopes: allScopes }] } : policyRefused('api_keys'),
      'an unknown scope': policyRefused('api_keys'),
      'scopes that are not a list': policyRefused('api_keys'),
      'a scope that is not a string': policyRefused('api_keys'),
      'for another member': policyRefused('api_keys'),
      'without an org': policyRefused('api_keys'),
      'in another org': policyRefused('api_keys'),
      'already revoked': noPrivilege('api_keys'),
      'already used': noPrivilege('api_keys'),
    };
    expect(outcomes).toEqual(expected);
  });

  it('refuses unknown scopes from the system too', async () => {
    await expect(
      database.query(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix, scopes) VALUES ($1, $2, 'k', 'hash-sys', 'fk_', '["root"]')`, [
        two.users.owner,
        two.orgA,
      ]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'api_keys_scopes_check' });
  });

  it.each(['owner', ...roles] as MemberRole[])('hides the webhook secret from the %s; writers set one without reading it back', async (role) => {
    const { outcomes } = await attemptAll(database, two.users[role], {
      'the secret': [`SELECT secret FROM webhooks WHERE id = $1`, [two.rowsA.webhooks]],
      'every column': [`SELECT * FROM webhooks WHERE id = $1`, [two.rowsA.webhooks]],
      'the rest': [`SELECT id, url, events, enabled FROM webhooks WHERE id = $1`, [two.rowsA.webhooks]],
      'a new webhook': [
        `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://hooks.example', '{render.succeeded}', 'whsec') RETURNING url`,
        [two.orgA],
      ],
      'a new webhook, read back': [
        `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://hooks.example', '{}', 'whsec') RETURNING secret`,
        [two.orgA],
      ],
    });
    expect(outcomes).toEqual({
      'the secret': noPrivilege('webhooks'),
      'every column': noPrivilege('webhooks'),
      'the rest': { rows: [{ id: two.rowsA.webhooks, url: 'https://h', events: [], enabled: true }] },
      'a new webhook': role === 'viewer' ? policyRefused('webhooks') : { rows: [{ url: 'https://hooks.example' }] },
      'a new webhook, read back': noPrivilege('webhooks'),
    });
    // The system reads it, to sign deliveries.
    expect(await database.query(`SELECT secret FROM webhooks WHERE id = $1`, [two.rowsA.webhooks])).toEqual([{ secret: 'secret-a' }]);
  });

  it.each(['owner', ...roles] as MemberRole[])(
    'lets the %s read integration credentials only through the function, and only as an owner or admin',
    async (role) => {
      const denied = (id: string): Outcome => ({
        error: { code: '42501', message: `permission denied for the credentials of integration ${id}` },
      });
      const { outcomes } = await attemptAll(database, two.users[role], {
        'the column': [`SELECT credentials FROM integrations WHERE id = $1`, [two.rowsA.integrations]],
        'every column': [`SELECT * FROM integrations WHERE id = $1`, [two.rowsA.integrations]],
        'the rest': [`SELECT id, provider, status FROM integrations WHERE id = $1`, [two.rowsA.integrations]],
        'through the function': [`SELECT fenta_integration_credentials($1) AS credentials`, [two.rowsA.integrations]],
        "another org's, through the function": [`SELECT fenta_integration_credentials($1) AS credentials`, [two.rowsB.integrations]],
        'a missing one, through the function': [`SELECT fenta_integration_credentials('int_missing') AS credentials`],
      });
      const reader = role === 'owner' || role === 'admin';
      expect(outcomes).toEqual({
        'the column': noPrivilege('integrations'),
        'every column': noPrivilege('integrations'),
        'the rest': { rows: [{ id: two.rowsA.integrations, provider: 'openai', status: 'active' }] },
        'through the function': reader ? { rows: [{ credentials: { api_key: 'sk-a' } }] } : denied(two.rowsA.integrations!),
        "another org's, through the function": denied(two.rowsB.integrations!),
        'a missing one, through the function': denied('int_missing'),
      });
    },
  );

  it('lets an editor store credentials it cannot read back', async () => {
    const result = await database.withUser(two.users.editor, async (q) => {
      const [row] = await q<{ id: string }>(
        `INSERT INTO integrations (org_id, provider, credentials) VALUES ($1, 'pexels', '{"api_key": "px"}') RETURNING id`,
        [two.orgA],
      );
      return row!.id;
    });
    expect(result).toMatch(/^int_/);
  });
});
