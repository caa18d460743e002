import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';

type Check = 'ok' | 'down';

const lostStatuses = new Set(['reconnecting', 'close', 'end']);

/**
 * `GET /health`: 200 when PostgreSQL and Redis both answer, 503 naming the
 * one that does not, so a load balancer and an operator read the same thing.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Kysely<any>; redis: Redis }): void {
  app.get('/health', async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      probe(() => sql`SELECT 1`.execute(deps.db)),
      // A client that lost its connection queues commands until it reconnects; report it down at once instead.
      lostStatuses.has(deps.redis.status) ? Promise.resolve<Check>('down') : probe(() => deps.redis.ping()),
    ]);
    const ok = postgres === 'ok' && redis === 'ok';
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks: { postgres, redis } });
  });
}

async function probe(check: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
