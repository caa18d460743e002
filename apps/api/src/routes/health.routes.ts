import type { FastifyInstance, LogLevel } from 'fastify';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { runReadinessChecks } from '@fenta/core';
import { migrationsCheck, postgresCheck } from '@fenta/db';
import { redisCheck } from '@fenta/queue';

/**
 * `GET /healthz`: the process is alive and its event loop answers (no
 * dependency is asked, so a database outage never gets the API restarted).
 * `GET /readyz`: PostgreSQL and Redis answer and the database's migrations
 * are those of this build: 200, or 503 naming each failing check.
 * `GET /health`: the older PostgreSQL-and-Redis check `./fenta up` waits on.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Kysely<any>; redis: Redis; migrationsDir?: string }): void {
  const connections = { postgres: postgresCheck(deps.db), redis: redisCheck(deps.redis) };
  const readiness = { ...connections, migrations: migrationsCheck(deps.db, { migrationsDir: deps.migrationsDir }) };
  const probeRoute = { logLevel: probeLogLevel(app) };

  app.get('/healthz', probeRoute, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  app.get('/readyz', probeRoute, async (request, reply) => {
    const report = await runReadinessChecks(readiness);
    if (!report.ready) request.log.warn({ checks: report.body.checks }, 'not ready');
    return reply
      .status(report.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report.body);
  });

  app.get('/health', async (_request, reply) => {
    const report = await runReadinessChecks(connections);
    return reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ok' : 'degraded', checks: report.body.checks });
  });
}

// Probes come every few seconds; their request lines would drown everything else, so they log from `warn`
// (a failing readiness still does), or from the app's own level when that is stricter still.
const levels: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function probeLogLevel(app: FastifyInstance): LogLevel {
  const current = levels.find((level) => level === app.log.level);
  return current !== undefined && levels.indexOf(current) > levels.indexOf('warn') ? current : 'warn';
}
