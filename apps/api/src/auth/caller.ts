import type { ApiScope, OrgRole } from '@fenta/core';

/** Who a /v1 request acts for, as its API key says: set by `authenticateApiKey` before the handler runs. */
export interface Caller {
  keyId: string;
  userId: string;
  orgId: string;
  role: OrgRole;
  /** The key's scopes that the holder's role still allows. */
  scopes: ReadonlySet<ApiScope>;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The scope a /v1 route needs; every /v1 route names one. */
    scope?: ApiScope;
  }
}
