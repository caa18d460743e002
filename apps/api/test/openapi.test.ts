import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { errorCodes } from '@fenta/core';
import { startApiTestbed, type ApiTestbed } from './api-fixture';

const run = promisify(execFile);
const apiRoot = path.join(__dirname, '..');

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { 'x-error-codes'?: string[] } }> }> }>>;
}

/**
 * Validates a document with @seriousme/openapi-schema-validator (the OpenAPI
 * 3.1 JSON Schema). The library is ESM-only, which jest cannot load, so it
 * runs in a node process of its own.
 */
async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const result = await new Validator().validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors }));
  `;
  const child = run(process.execPath, ['--input-type=module', '-e', script], { cwd: apiRoot });
  child.child.stdin!.end(JSON.stringify(document));
  return JSON.parse((await child).stdout) as { valid: boolean; errors?: unknown };
}

describe('the OpenAPI document and the docs page', () => {
  let bed: ApiTestbed;
  let document: OpenApiDocument;

  beforeAll(async () => {
    bed = await startApiTestbed();
    const response = await bed.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json() as OpenApiDocument;
  });
  afterAll(() => bed.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toEqual({ valid: true });
  });

  it('refuses a document that breaks the schema (the check can fail)', async () => {
    expect((await validateOpenApi({ openapi: '3.1.0', paths: { '/x': { get: { responses: 'none' } } } })).valid).toBe(false);
  });

  it('lists every /v1 route the app serves, and nothing of Bull Board or the docs page', () => {
    const served = bed.app.servedRoutes
      .filter((route) => / \/v1\//.test(route) || / \/(healthz|readyz|metrics)$/.test(route))
      .map((route) => route.replace(/:(\w+)/g, '{$1}'));
    expect(served.length).toBeGreaterThan(3);
    const documented = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`));
    expect(documented.sort()).toEqual(served.sort());
    expect(Object.keys(document.paths).every((route) => route.startsWith('/v1/') || ['/healthz', '/readyz', '/metrics'].includes(route))).toBe(true);
  });

  it('documents in docs/errors.md every error code a route declares, and each is in the registry', () => {
    const doc = readFileSync(path.join(apiRoot, '..', '..', 'docs', 'errors.md'), 'utf8');
    const declared = new Set<string>();
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        for (const response of Object.values(operation.responses)) {
          for (const code of response.content?.['application/json']?.schema['x-error-codes'] ?? []) declared.add(code);
        }
      }
    }
    expect(declared.size).toBeGreaterThan(10);
    for (const code of declared) {
      expect(Object.keys(errorCodes)).toContain(code);
      expect(doc).toContain(`| \`${code}\` |`);
    }
  });

  it('serves the docs page from local files only', async () => {
    const page = await bed.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const scripts = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((url) => /^(https?:)?\/\//.test(url))).toEqual([]);
    const initializer = await bed.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toContain('/openapi.json');
  });
});
