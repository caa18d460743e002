import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { boardGate } from '../board/board-gate';
import { BoardLogins, type BoardPasswords } from '../board/board-logins';
import { LoginThrottle, type LoginThrottleSettings } from '../board/login-throttle';
import { viewerSeesReadOnly } from '../board/viewer-read-only';

export const boardPath = '/admin/queues';

export interface BoardOptions {
  queues: Queue[];
  /** Where failed logins are counted, shared by every API replica. */
  redis: Redis;
  passwords: BoardPasswords;
  throttle?: Partial<LoginThrottleSettings>;
}

/** Whether any login has a password: without one the board is not served at all (it shows every org's jobs). */
export function boardEnabled(passwords: BoardPasswords | undefined): passwords is BoardPasswords {
  return passwords?.operator !== undefined || passwords?.viewer !== undefined;
}

/**
 * Mounts Bull Board at /admin/queues for `queues`, behind HTTP basic auth as
 * `operator` (every action) or `viewer` (read-only), with failed logins
 * throttled per client address.
 */
export async function registerBoard(app: FastifyInstance, options: BoardOptions): Promise<void> {
  const logins = new BoardLogins(options.passwords);
  const throttle = new LoginThrottle(options.redis, options.throttle);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(boardPath);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: {}, handlerHooks: { after: viewerSeesReadOnly(logins) } },
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', boardGate(logins, throttle));
    await scope.register(serverAdapter.registerPlugin(), { prefix: boardPath });
  });
}
