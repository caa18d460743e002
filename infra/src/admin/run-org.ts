import { FentaError, issueApiKey, scopesOfRole } from '@fenta/core';
import { createOrgWithOwner, insertApiKey } from '@fenta/db';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { openAdminDatabase } from './admin-database';
import { printIssuedKey } from './print-issued-key';

const usage = './fenta org create --name <name> --email <owner e-mail> [--plan <plan>] [--json]';
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/**
 * `./fenta org create`: an org, its owner (the user with that e-mail, made if
 * there is none) and an owner key with every scope, on any install. The key
 * is printed once, on stdout alone (so `KEY=$(./fenta org create …)` works);
 * what was made is said on stderr.
 */
export async function runOrg(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    usage,
    options: { name: { type: 'string' }, email: { type: 'string' }, plan: { type: 'string' }, json: { type: 'boolean' } },
    positionals: { min: 1, max: 1, name: 'a subcommand (create)' },
  });
  if (positionals[0] !== 'create') throw CommandFailure.of('CLI_USAGE', { reason: `unknown subcommand "${positionals[0]}"` }, { fix: `run ${usage}` });
  const name = values.name?.trim();
  if (!name || name.length > 255) throw CommandFailure.of('CLI_USAGE', { reason: '--name is required (1 to 255 characters)' }, { fix: `run ${usage}` });
  const email = values.email?.trim().toLowerCase();
  if (!email || !emailPattern.test(email)) throw CommandFailure.of('CLI_USAGE', { reason: '--email must be an e-mail address' }, { fix: `run ${usage}` });
  if (values.plan !== undefined && !/^[a-z0-9_-]{1,50}$/.test(values.plan)) {
    throw CommandFailure.of('CLI_USAGE', { reason: '--plan must be a plan name (lowercase letters, digits, - and _)' }, { fix: `run ${usage}` });
  }

  const db = await openAdminDatabase('org create');
  try {
    const org = await createOrgWithOwner(db, { name, ownerEmail: email, plan: values.plan });
    const issued = issueApiKey();
    const key = await insertApiKey(db, { orgId: org.orgId, userId: org.userId, name: 'owner key', scopes: scopesOfRole.owner, issued });
    printIssuedKey(
      values.json === true,
      issued.key,
      {
        org_id: org.orgId,
        slug: org.slug,
        user_id: org.userId,
        user_created: org.userCreated,
        key_id: key.id,
        scopes: [...scopesOfRole.owner],
      },
      `created org ${org.orgId} ("${name}", slug ${org.slug}) owned by ${email}${org.userCreated ? ' (new user)' : ''}, and owner key ${key.id}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof FentaError) throw CommandFailure.from(error);
    throw error;
  } finally {
    await db.destroy();
  }
}
