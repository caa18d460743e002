import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Logger } from '@fenta/core';
import { answerClientError, answerFrameworkError, registerErrorHandling } from './http/register-error-handling';
import { requestIdFor } from './http/request-id';
import { fastifyTrustProxy, type TrustProxy } from './http/trust-proxy';
import { registerHealthRoutes } from './routes/health.routes';
import { boardEnabled, registerBoard } from './routes/board.routes';
import type { BoardPasswords } from './board/board-logins';
import type { LoginThrottleSettings } from './board/login-throttle';

export interface AppDependencies {
  db: Kysely<any>;
  redis: Redis;
  logger: Logger;
  queues: Queue[];
  /** Bull Board's logins; the board is off when neither has a password. */
  board?: BoardPasswords & { throttle?: Partial<LoginThrottleSettings> };
  /** Which proxies may say who the client is; none by default. */
  trustProxy?: TrustProxy;
  /** The migrations readiness compares the database with; the shipped ones by default. */
  migrationsDir?: string;
}

/** Builds the HTTP app without listening, so tests drive it with `inject()`. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // pino 10's Logger type is a superset fastify's typings do not name; it is the same object at runtime.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(deps.trustProxy ?? false),
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  registerErrorHandling(app);

  registerHealthRoutes(app, deps);
  if (boardEnabled(deps.board)) await registerBoard(app, { queues: deps.queues, redis: deps.redis, passwords: deps.board, throttle: deps.board.throttle });
  return app;
}
