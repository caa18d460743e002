import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const openApiPath = '/openapi.json';
export const docsPath = '/docs';

/**
 * The OpenAPI 3.1 document, built from the same TypeBox schemas that validate
 * requests and shape responses (one source of truth), at /openapi.json, and a
 * Swagger UI page at /docs served from the files installed with the API (no
 * CDN, so it works on a closed network). Registered before the routes: the
 * document is collected as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fenta API',
        version: '1',
        description:
          'Render short vertical videos from workflow graphs. Authenticate with `Authorization: Bearer <API key>`; ' +
          'every error answers `{ "error": { "code", "message", "details", "request_id" } }` with a code from docs/errors.md.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, `fenta_…`.' } } },
      security: [{ apiKey: [] }],
    },
    // The document describes the product's API; Bull Board's and the docs page's own routes are not part of it.
    transform: ({ schema, url }) => ({ schema: documented(url) ? withMultipartBody(schema) : { ...schema, hide: true }, url }),
  });
  await app.register(swaggerUi, { routePrefix: docsPath, staticCSP: true, uiConfig: { url: openApiPath } });
  app.get(openApiPath, { schema: { hide: true } }, async () => app.swagger());
}

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The form of a route that streams a multipart/form-data body itself: shown
     * in the document as its request body, but not a `body` schema, which
     * Fastify would validate against a body the route has not read yet.
     */
    multipartBody?: unknown;
  }
}

function withMultipartBody(schema: FastifySchema): FastifySchema {
  // Typed as always there, but routes without a schema (the docs page's own) pass none.
  if ((schema as FastifySchema | undefined)?.multipartBody === undefined) return schema;
  const { multipartBody, ...rest } = schema;
  return { ...rest, body: multipartBody, consumes: ['multipart/form-data'] };
}

const documentedPaths = new Set(['/healthz', '/readyz', '/metrics']);

function documented(url: string): boolean {
  return url.startsWith('/v1/') || documentedPaths.has(url);
}
