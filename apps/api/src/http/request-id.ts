import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id arrives in and is echoed back in, on every response. */
export const requestIdHeader = 'x-request-id';

// A caller's id lands in logs and headers as-is, so only a short token of safe characters is taken.
const saneRequestId = /^[A-Za-z0-9._-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `X-Request-Id` when it is a sane token, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[requestIdHeader];
  return typeof given === 'string' && saneRequestId.test(given) ? given : randomUUID();
}
