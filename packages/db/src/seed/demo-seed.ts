import { sql, type Kysely } from 'kysely';
import { scopesOfRole } from '@fenta/core';
import { builtInTemplates } from './built-in-templates';
import { demoWorkflow } from './demo-workflow';

export const demoIds = {
  userId: 'user_demo',
  orgId: 'org_demo',
  apiKeyName: 'demo key',
} as const;

/** Installs (or refreshes) the public built-in templates. Safe to run on every start. */
export async function seedBuiltInTemplates(db: Kysely<any>): Promise<void> {
  for (const template of builtInTemplates) {
    await db
      .insertInto('templates')
      .values({
        id: template.id,
        org_id: null,
        name: template.name,
        description: template.description,
        aspect: template.aspect,
        resolution: template.resolution,
        is_public: true,
        spec: JSON.stringify(template.spec),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          name: template.name,
          description: template.description,
          aspect: template.aspect,
          resolution: template.resolution,
          spec: JSON.stringify(template.spec),
        }),
      )
      .execute();
  }
}

/**
 * Creates the demo user, org (owner membership), and the sample workflow with
 * its first version, once: existing rows are left as they are, so a second
 * `./fenta up` finds the data of the first.
 */
export async function seedDemoOrg(db: Kysely<any>): Promise<{ userId: string; orgId: string; workflowId: string }> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id: demoIds.userId,
        email: 'demo@fenta.local',
        // '!' can never match a password hash: the demo user signs in with its API key only.
        password_hash: '!',
        name: 'Demo User',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('orgs')
      .values({ id: demoIds.orgId, name: 'Demo Studio', slug: 'demo', owner_id: demoIds.userId, plan: 'pro' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('org_members')
      .values({ org_id: demoIds.orgId, user_id: demoIds.userId, role: 'owner' })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
      .execute();
    const inserted = await trx
      .insertInto('workflows')
      .values({
        id: demoWorkflow.id,
        org_id: demoIds.orgId,
        name: demoWorkflow.name,
        description: demoWorkflow.description,
        status: 'production',
        graph: JSON.stringify(demoWorkflow.graph),
        variables: JSON.stringify(demoWorkflow.variables),
        created_by: demoIds.userId,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    if (inserted.length > 0) {
      await trx
        .insertInto('workflow_versions')
        .values({
          workflow_id: demoWorkflow.id,
          version: 1,
          graph: JSON.stringify(demoWorkflow.graph),
          variables: JSON.stringify(demoWorkflow.variables),
          created_by: demoIds.userId,
        })
        .execute();
    }
  });
  return { userId: demoIds.userId, orgId: demoIds.orgId, workflowId: demoWorkflow.id };
}

/**
 * Makes sure the demo org has a usable API key. The plaintext exists only in
 * the caller's hands: pass the key it already holds (from `.fenta/demo.json`)
 * and it is kept if still valid; otherwise the old demo keys are revoked and
 * the new one (`issued`) is stored. Returns the key to use.
 */
export async function ensureDemoApiKey(
  db: Kysely<any>,
  options: { heldKeyHash?: string; issued: { key: string; prefix: string; hash: string } },
): Promise<{ key: 'held' | 'issued' }> {
  if (options.heldKeyHash) {
    const held = await db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', options.heldKeyHash)
      .where('org_id', '=', demoIds.orgId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (held) {
      // A key made by an older release carries fewer scopes: the demo owner's key gets every one the role has.
      await db
        .updateTable('api_keys')
        .set({ scopes: JSON.stringify(scopesOfRole.owner) })
        .where('id', '=', held.id)
        .execute();
      return { key: 'held' };
    }
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('org_id', '=', demoIds.orgId)
      .where('name', '=', demoIds.apiKeyName)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .insertInto('api_keys')
      .values({
        user_id: demoIds.userId,
        org_id: demoIds.orgId,
        name: demoIds.apiKeyName,
        key_hash: options.issued.hash,
        key_prefix: options.issued.prefix,
        scopes: JSON.stringify(scopesOfRole.owner),
      })
      .execute();
  });
  return { key: 'issued' };
}
