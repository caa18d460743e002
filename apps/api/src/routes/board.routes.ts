import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { FentaError } from '@fenta/core';
import { errorBody } from '../http/error-body';

export const boardPath = '/admin/queues';
export const boardUser = 'operator';

/** Mounts Bull Board at /admin/queues behind HTTP basic auth (user `operator`). */
export async function registerBoard(app: FastifyInstance, options: { queues: Queue[]; password: string }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(boardPath);
  createBullBoard({ queues: options.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  const expected = Buffer.from(`Basic ${Buffer.from(`${boardUser}:${options.password}`).toString('base64')}`);

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Basic realm="Fenta queues", charset="UTF-8"')
          .send(errorBody(new FentaError('BOARD_UNAUTHORIZED'), request.id));
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: boardPath });
  });
}
