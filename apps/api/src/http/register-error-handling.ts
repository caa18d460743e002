import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FentaError } from '@fenta/core';
import { errorBody } from './error-body';
import { requestIdHeader } from './request-id';
import { toFentaError } from './to-fenta-error';

/**
 * Every response carries `X-Request-Id`, and every error answers with a coded
 * body (see `errorBody`): thrown in a handler or hook, raised by Fastify
 * (body parsing, schema validation), or no route at all.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, toFentaError(error, request), error));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new FentaError('NOT_FOUND', { method: request.method, url: request.url.split('?')[0] ?? '' })),
  );
}

/** Fastify's `frameworkErrors` option: errors it raises before routing (a badly encoded URL, an overlong parameter) get the same body. */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendError(request, reply, toFentaError(error, request), error);
}

/**
 * Fastify's `clientErrorHandler` option: a request Node cannot even parse
 * (not HTTP, headers too large, too slow) has no Fastify request, but still
 * gets a coded body and a request id to quote.
 */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection, or one already gone, has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const fenta =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new FentaError('REQUEST_TIMEOUT')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new FentaError('REQUEST_HEADERS_TOO_LARGE')
        : new FentaError('REQUEST_INVALID', { reason: 'it is not valid HTTP' });
  const requestId = randomUUID();
  // Not the error itself: its raw packet may hold the request's headers, credentials included.
  this.log.info({ requestId, code: fenta.code, reason: error.code }, 'refused a request that could not be parsed');
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(errorBody(fenta, requestId));
  socket.end(
    `HTTP/1.1 ${fenta.status} ${STATUS_CODES[fenta.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Answers with `error`'s coded body and status, and logs it (a 5xx as an error, with what was thrown). */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: FentaError, thrown?: unknown): FastifyReply {
  if (error.status >= 500) request.log.error({ err: thrown ?? error, code: error.code }, error.message);
  else request.log.info({ code: error.code, reason: error.message }, 'request refused');
  return reply.status(error.status).header(requestIdHeader, request.id).type('application/json; charset=utf-8').send(errorBody(error, request.id));
}
