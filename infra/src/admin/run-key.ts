import { FentaError, isApiScope, isOrgRole, issueApiKey, isRowId, scopesOfRole, type ApiScope } from '@fenta/core';
import { findOrg, findOrgMember, insertApiKey, listOrgApiKeys, revokeApiKey, type DB } from '@fenta/db';
import type { Kysely } from 'kysely';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { openAdminDatabase } from './admin-database';
import { printIssuedKey } from './print-issued-key';

const usage =
  './fenta key create --org <org id or slug> [--user <e-mail or user id>] [--name <name>] [--scopes a,b] [--expires-in <N>d|<N>h] [--json]' +
  ' | ./fenta key list --org <org> [--json] | ./fenta key revoke <key id> [--org <org>]';

const options = {
  org: { type: 'string' },
  user: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  'expires-in': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `./fenta key create|list|revoke`: API keys of any org, as the system (the
 * API's POST /v1/api-keys is the tenants' way). A key is made for a member of
 * the org (its owner by default) with the scopes their role allows (all of
 * them by default, never more).
 */
export async function runKey(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { usage, options, positionals: { min: 1, max: 2, name: 'a subcommand (create, list, revoke)' } });
  const [subcommand, argument] = positionals;
  const usageError = (reason: string) => CommandFailure.of('CLI_USAGE', { reason }, { fix: `run ${usage}` });
  if (subcommand !== 'create' && subcommand !== 'list' && subcommand !== 'revoke') throw usageError(`unknown subcommand "${subcommand}"`);
  if (subcommand === 'revoke' ? argument === undefined : argument !== undefined) {
    throw usageError(subcommand === 'revoke' ? 'name the key to revoke' : `unexpected argument "${argument}"`);
  }
  if (subcommand !== 'revoke' && values.org === undefined) throw usageError('--org is required');
  const expiresAt = values['expires-in'] === undefined ? null : expiryOf(values['expires-in'], usageError);
  const requested = values.scopes === undefined ? undefined : scopesOf(values.scopes, usageError);

  const db = await openAdminDatabase(`key ${subcommand}`);
  try {
    if (subcommand === 'create')
      await createKey(db, { org: values.org!, user: values.user, name: values.name ?? 'cli key', scopes: requested, expiresAt, json: values.json === true });
    else if (subcommand === 'list') await listKeys(db, values.org!, values.json === true);
    else await revoke(db, argument!, values.org);
    return 0;
  } catch (error) {
    if (error instanceof FentaError) throw CommandFailure.from(error);
    throw error;
  } finally {
    await db.destroy();
  }
}

async function orgIdOf(db: Kysely<DB>, org: string): Promise<string> {
  const found = await findOrg(db, org);
  if (!found) throw new FentaError('ORG_NOT_FOUND', { org });
  return found.id;
}

async function createKey(
  db: Kysely<DB>,
  input: { org: string; user?: string; name: string; scopes?: ApiScope[]; expiresAt: Date | null; json: boolean },
): Promise<void> {
  if (input.name.trim() === '' || input.name.length > 100)
    throw CommandFailure.of('CLI_USAGE', { reason: '--name must be 1 to 100 characters' }, { fix: `run ${usage}` });
  const orgId = await orgIdOf(db, input.org);
  const member = await findOrgMember(db, orgId, input.user);
  if (!member || !isOrgRole(member.role)) throw new FentaError('ORG_MEMBER_NOT_FOUND', { who: input.user ?? 'the owner', org: orgId });
  const allowed = scopesOfRole[member.role];
  const scopes = input.scopes ?? [...allowed];
  const beyond = scopes.find((scope) => !allowed.includes(scope));
  if (beyond) {
    throw CommandFailure.of('CLI_USAGE', { reason: `a ${member.role} cannot hold ${beyond}` }, { fix: `give --scopes from: ${allowed.join(',')}` });
  }
  const issued = issueApiKey();
  const key = await insertApiKey(db, { orgId, userId: member.userId, name: input.name, scopes, issued, expiresAt: input.expiresAt });
  printIssuedKey(
    input.json,
    issued.key,
    { org_id: orgId, user_id: member.userId, key_id: key.id, scopes, expires_at: input.expiresAt?.toISOString() ?? null },
    `created key ${key.id} ("${input.name}") for ${member.email} (${member.role}) in org ${orgId}, scopes ${scopes.join(',')}` +
      (input.expiresAt ? `, expires ${input.expiresAt.toISOString()}` : ''),
  );
}

async function listKeys(db: Kysely<DB>, org: string, json: boolean): Promise<void> {
  const rows = await listOrgApiKeys(db, await orgIdOf(db, org));
  const now = Date.now();
  const keys = rows.map((row) => ({
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    user: row.email,
    scopes: Array.isArray(row.scopes) ? row.scopes.filter((scope): scope is string => typeof scope === 'string').join(',') : '',
    state: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at.getTime() <= now ? 'expired' : 'active',
    last_used_at: row.last_used_at?.toISOString() ?? null,
  }));
  if (json) {
    process.stdout.write(`${JSON.stringify(keys)}\n`);
    return;
  }
  const header = ['id', 'name', 'prefix', 'user', 'state', 'last used', 'scopes'];
  const lines = keys.map((key) => [key.id, key.name, `${key.prefix}…`, key.user, key.state, key.last_used_at ?? 'never', key.scopes]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  process.stdout.write(`${[format(header), ...lines.map(format)].join('\n')}\n`);
}

async function revoke(db: Kysely<DB>, keyId: string, org: string | undefined): Promise<void> {
  const shown = keyId.slice(0, 80);
  if (!isRowId(keyId, 'key')) {
    throw CommandFailure.of('CLI_USAGE', { reason: `"${shown}" is not a key id (key_…)` }, { fix: 'run ./fenta key list --org <org> to see the ids' });
  }
  const orgId = org === undefined ? undefined : await orgIdOf(db, org);
  const revoked = await revokeApiKey(db, orgId, keyId);
  if (!revoked) throw new FentaError('API_KEY_NOT_FOUND', { key: keyId });
  process.stderr.write(`revoked key ${revoked.id} of org ${revoked.org_id ?? '(none)'} at ${revoked.revoked_at?.toISOString() ?? ''}\n`);
}

function scopesOf(text: string, usageError: (reason: string) => CommandFailure): ApiScope[] {
  const scopes = text
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.find((scope) => !isApiScope(scope));
  if (unknown !== undefined || scopes.length === 0) throw usageError(unknown === undefined ? '--scopes names no scope' : `unknown scope "${unknown}"`);
  return [...new Set(scopes)] as ApiScope[];
}

function expiryOf(text: string, usageError: (reason: string) => CommandFailure): Date {
  const match = /^(\d{1,5})([dh])$/.exec(text);
  if (!match || Number(match[1]) === 0) throw usageError('--expires-in must be a number of days or hours, e.g. 90d or 12h');
  return new Date(Date.now() + Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000));
}
