import { createLogger, issueApiKey, scopesOfRole, type ApiScope, type Logger, type OrgRole } from '@fenta/core';
import { createJobEventListener, createOrgWithOwner, insertApiKey } from '@fenta/db';
import { createRenderQueue, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDependencies } from '../src/build-app';

export const silentLogger: Logger = createLogger({ service: 'api-test', level: 'silent' });

/** A caller of the API: an org member with a key of their own. */
export interface TestCaller {
  orgId: string;
  userId: string;
  keyId: string;
  key: string;
  headers: { authorization: string };
}

/** The app over a database and a Redis of this test file's own. */
export interface ApiTestbed {
  database: TestDatabase;
  redis: TestRedis;
  /** The render queue the app adds jobs to, on this testbed's Redis prefix. */
  queue: RenderQueue;
  app: FastifyInstance;
  /** A new org whose owner holds a key with every owner scope. */
  newOrg(name: string): Promise<TestCaller>;
  /** Another member of `org` with `role`, holding a key with `scopes` (by default all the role allows). */
  member(org: TestCaller, role: OrgRole, scopes?: readonly ApiScope[]): Promise<TestCaller>;
  close(): Promise<void>;
}

/** The application name of the testbed's job event listener, to find its connection in pg_stat_activity. */
export const testListenerName = 'fenta-api-test-events';

export async function startApiTestbed(overrides: Partial<AppDependencies> = {}): Promise<ApiTestbed> {
  const database = await createTestDatabase({ migrated: true });
  const redis = await createTestRedis();
  const queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
  // Opens its connection only when a test follows a job.
  const jobEvents = createJobEventListener({ url: database.url, logger: silentLogger, applicationName: testListenerName, reconnectDelayMs: 50 });
  const app = await buildApp({ db: database.db, redis: redis.redis, logger: silentLogger, queues: [], renderQueue: queue, jobEvents, ...overrides });
  let users = 0;

  const keyFor = async (orgId: string, userId: string, scopes: readonly ApiScope[]): Promise<TestCaller> => {
    const issued = issueApiKey();
    const { id } = await insertApiKey(database.db, { orgId, userId, name: 'test key', scopes, issued });
    return { orgId, userId, keyId: id, key: issued.key, headers: { authorization: `Bearer ${issued.key}` } };
  };

  return {
    database,
    redis,
    queue,
    app,
    async newOrg(name) {
      const org = await createOrgWithOwner(database.db, { name, ownerEmail: `owner-${name}-${++users}@example.com` });
      return keyFor(org.orgId, org.userId, scopesOfRole.owner);
    },
    async member(org, role, scopes = scopesOfRole[role]) {
      const [user] = await database.query<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ($1, '!', $2) RETURNING id`, [
        `${role}-${++users}@example.com`,
        role,
      ]);
      await database.query(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3)`, [org.orgId, user!.id, role]);
      return keyFor(org.orgId, user!.id, scopes);
    },
    async close() {
      await app.close();
      await queue.close();
      await jobEvents.close();
      await redis.cleanup();
      await database.drop();
    },
  };
}
