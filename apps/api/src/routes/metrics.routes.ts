import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import { errorCodes, FentaError } from '@fenta/core';

/**
 * `GET /metrics`, the Prometheus text format. Outside /v1 and its API keys:
 * it is for the operators' scraper. With FENTA_METRICS_TOKEN set, the scrape
 * must send it as a bearer token; otherwise anyone who reaches the port reads
 * it (counts and latencies only, no org's data), so keep the port private.
 */
export function registerMetricsRoute(app: FastifyInstance, options: { registry: Registry; token?: string }): void {
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text format): request latency by route, render queue depth, jobs by status',
        description: 'Not behind API keys. When FENTA_METRICS_TOKEN is set, send it as `Authorization: Bearer <token>`.',
        security: [],
        response: {
          200: { description: 'Prometheus text exposition format.', content: { [options.registry.contentType]: { schema: Type.String() } } },
          401: Type.Object(
            {
              error: Type.Object({ code: Type.Literal('METRICS_UNAUTHORIZED'), message: Type.String(), request_id: Type.String() }),
            },
            {
              description: `Error: METRICS_UNAUTHORIZED (see docs/errors.md). ${errorCodes.METRICS_UNAUTHORIZED.description}`,
              'x-error-codes': ['METRICS_UNAUTHORIZED'],
            },
          ),
        },
      },
    },
    async (request, reply) => {
      if (expected !== undefined) {
        const sent = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
          reply.header('www-authenticate', 'Bearer realm="fenta-metrics"');
          throw new FentaError('METRICS_UNAUTHORIZED');
        }
      }
      const body = await options.registry.metrics();
      return reply.header('cache-control', 'no-store').type(options.registry.contentType).send(body);
    },
  );
}

// Compared as digests: equal lengths whatever was sent, so the comparison time says nothing about the token.
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
