/** Every scope an API key can carry; a route names the one it needs. */
export const apiScopes = [
  'workflows:read',
  'workflows:write',
  'jobs:read',
  'jobs:execute',
  'templates:read',
  'templates:write',
  'assets:read',
  'assets:write',
  'schedules:read',
  'schedules:write',
  'webhooks:read',
  'webhooks:write',
  'usage:read',
  'keys:write',
] as const;

export type ApiScope = (typeof apiScopes)[number];

/** The org roles of `org_members.role`, from least to most. */
export const orgRoles = ['viewer', 'editor', 'admin', 'owner'] as const;
export type OrgRole = (typeof orgRoles)[number];

const readScopes: ApiScope[] = ['workflows:read', 'jobs:read', 'templates:read', 'assets:read', 'schedules:read', 'webhooks:read', 'usage:read'];
const writeScopes: ApiScope[] = ['workflows:write', 'jobs:execute', 'templates:write', 'assets:write', 'schedules:write', 'webhooks:write'];

/**
 * The scopes a member of each role may use and hand out: viewers read, editors
 * also write and run jobs, owners and admins also manage keys. The database
 * holds the same table (fenta_api_key_scopes_for_role, checked by a test), so
 * a key never carries more than its creator's role, and a key whose holder was
 * demoted loses what the new role lacks.
 */
export const scopesOfRole: Record<OrgRole, readonly ApiScope[]> = {
  viewer: readScopes,
  editor: [...readScopes, ...writeScopes],
  admin: apiScopes,
  owner: apiScopes,
};

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}

export function isOrgRole(value: string): value is OrgRole {
  return (orgRoles as readonly string[]).includes(value);
}
