import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { FentaError } from '@fenta/core';
import { sendError } from '../http/register-error-handling';
import { toFentaError } from '../http/to-fenta-error';
import type { BoardLogins } from './board-logins';
import type { LoginThrottle } from './login-throttle';

// Bull Board's own API reads only with GET (its page and assets too) and changes jobs and queues with PUT,
// POST and PATCH; refusing everything but GET and HEAD also covers any route a later version adds.
const readMethods = new Set(['GET', 'HEAD']);

/**
 * The hook in front of every Bull Board route: a wrong login is counted
 * against the client address (401, or 429 once past the limit); an address
 * past the limit is refused whatever it sends (429); no login is challenged
 * (401); a viewer is refused every request that would change something
 * (403). Runs on the server for every request, so a viewer's read-only board
 * does not rest on its UI.
 */
export function boardGate(logins: BoardLogins, throttle: LoginThrottle): onRequestAsyncHookHandler {
  return async (request, reply) => {
    try {
      // Returning the reply tells Fastify it is answered and the route must not run.
      return await guard(request, reply, logins, throttle);
    } catch (error) {
      // Answered here: an error thrown from this hook would reach Bull Board's own error handler, not the coded body.
      return sendError(request, reply, toFentaError(error, request), error);
    }
  };
}

/** The refusal the request was answered with, or undefined when it may go on to Bull Board. */
async function guard(request: FastifyRequest, reply: FastifyReply, logins: BoardLogins, throttle: LoginThrottle): Promise<FastifyReply | undefined> {
  const login = logins.check(request.headers.authorization);
  if (login.kind === 'wrong') {
    const { failures, waitMs } = await throttle.recordFailure(request.ip);
    if (waitMs > 0) return throttled(request, reply, waitMs);
    if (failures === throttle.settings.maxFailures) {
      request.log.warn({ ip: request.ip, failures, windowMs: throttle.settings.windowMs }, 'too many failed Bull Board logins: the address is throttled');
    }
    return unauthorized(request, reply, logins);
  }
  const waitMs = await throttle.waitMs(request.ip);
  if (waitMs > 0) return throttled(request, reply, waitMs);
  if (login.kind === 'none') return unauthorized(request, reply, logins);
  if (login.role === 'viewer' && !readMethods.has(request.method)) {
    return sendError(request, reply, new FentaError('BOARD_FORBIDDEN', { method: request.method, url: request.url.split('?')[0] ?? '' }));
  }
  return undefined;
}

function unauthorized(request: FastifyRequest, reply: FastifyReply, logins: BoardLogins): FastifyReply {
  const users = logins.roles.map((role) => `"${role}"`).join(' or ');
  reply.header('www-authenticate', 'Basic realm="Fenta queues", charset="UTF-8"');
  return sendError(request, reply, new FentaError('BOARD_UNAUTHORIZED', { users }));
}

function throttled(request: FastifyRequest, reply: FastifyReply, waitMs: number): FastifyReply {
  const retryAfterSeconds = Math.ceil(waitMs / 1000);
  reply.header('retry-after', String(retryAfterSeconds));
  return sendError(request, reply, new FentaError('BOARD_LOGIN_THROTTLED', { retryAfterSeconds }, { details: { retry_after_seconds: retryAfterSeconds } }));
}
