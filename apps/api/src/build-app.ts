import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { FentaError, isFentaError, type Logger } from '@fenta/core';
import { registerHealthRoutes } from './routes/health.routes';
import { registerBoard } from './routes/board.routes';

export interface AppDependencies {
  db: Kysely<any>;
  redis: Redis;
  logger: Logger;
  queues: Queue[];
  boardPassword?: string;
  /** The migrations readiness compares the database with; the shipped ones by default. */
  migrationsDir?: string;
}

/** Builds the HTTP app without listening, so tests drive it with `inject()`. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  // pino 10's Logger type is a superset fastify's typings do not name; it is the same object at runtime.
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger as unknown as FastifyBaseLogger, trustProxy: false });

  app.setErrorHandler((error, request, reply) => {
    if (isFentaError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.status).send(error.toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new FentaError('INTERNAL').toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new FentaError('NOT_FOUND', { method: request.method, url: request.url.split('?')[0] ?? '' });
    return reply.status(404).send(error.toBody());
  });

  registerHealthRoutes(app, deps);
  if (deps.boardPassword) await registerBoard(app, { queues: deps.queues, password: deps.boardPassword });
  return app;
}
