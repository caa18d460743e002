import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { FentaError, isFentaError } from '@fenta/core';
import { getOrgRender, listOrgRenders, type Render } from '@fenta/db';
import { scopeStorageToOrg, type Storage } from '@fenta/storage';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { bytesSource, localFileSource } from '../../renders/download-source';
import { renderSchema, renderView } from '../../renders/render-view';
import { sendDownload } from '../../renders/send-download';
import { srtToVtt } from '../../renders/srt-to-vtt';
import { asTenant } from '../../tenancy/as-tenant';

const renderIdParams = Type.Object({ id: Type.String({ pattern: '^render_[A-Za-z0-9_-]{1,100}$', description: 'A render id, `render_…`.' }) });

/** How long a presigned S3 URL a download redirects to works: enough to start the download, too short to pass around. */
const presignedSeconds = 300;

/** The stored files of a render, each at its own route. */
const storedFiles = [
  { route: 'video', name: 'video', contentType: 'video/mp4', keyOf: (row: Render) => row.video_storage_path },
  { route: 'thumbnail', name: 'thumbnail', contentType: 'image/jpeg', keyOf: (row: Render) => row.thumbnail_storage_path },
  { route: 'captions.srt', name: 'SRT captions', contentType: 'application/x-subrip; charset=utf-8', keyOf: (row: Render) => row.srt_storage_path },
] as const;

const downloadErrors = errorResponses('RENDER_NOT_FOUND', 'RENDER_FILE_NOT_FOUND', 'RANGE_NOT_SATISFIABLE', 'STORAGE_FAILED', 'STORAGE_KEY_NOT_OWNED');

/** The OpenAPI answers of a download route whose file is `contentType`. */
function downloadResponses(contentType: string, what: string, redirects: boolean): Record<number, TSchema> {
  const body = { [contentType.split(';')[0]!]: { schema: Type.String({ format: 'binary' }) } };
  // Fastify takes { description, content } for a response that is not JSON; @fastify/swagger documents it as such.
  const responses: Record<number, TSchema> = {
    200: { description: `The ${what}, with ETag${redirects ? ' and Last-Modified' : ''}, and Accept-Ranges.`, content: body } as unknown as TSchema,
    206: { description: 'The one byte range asked for with `Range`, with Content-Range.', content: body } as unknown as TSchema,
    304: Type.Null({ description: 'Your copy is current (If-None-Match, or If-Modified-Since).' }),
    ...downloadErrors,
  };
  if (redirects) {
    responses[302] = Type.Null({ description: `Renders on S3: Location is a presigned URL of the file, good for ${presignedSeconds / 60} minutes.` });
  }
  return responses;
}

/**
 * Renders of the caller's org: list (newest first, by job if asked), one,
 * and the stable download routes jobs.result and webhooks link to: the
 * video, the thumbnail, the captions as SRT and as WebVTT. Files on local
 * storage are streamed with Range, ETag and Last-Modified; on S3 the
 * answer redirects to a short-lived presigned URL (WebVTT, converted from
 * the SRT, is always streamed).
 */
export async function registerRenderRoutes(parent: FastifyInstance, context: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db, publicUrl } = context;

  app.get(
    '/renders',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['renders'],
        summary: "List the org's renders, newest first",
        querystring: Type.Object(
          {
            ...pageQuery,
            job_id: Type.Optional(
              Type.String({
                pattern: '^job_[A-Za-z0-9_-]{1,100}$',
                description: 'Only the renders of this job (one per output profile, the preview among them).',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageSchema(renderSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const after = decodeCursor('renders', request.query.cursor, 'render');
      const rows = await asTenant(db, request, ({ trx, caller }) =>
        listOrgRenders(trx, { orgId: caller.orgId, jobId: request.query.job_id, after, limit: request.query.limit + 1 }),
      );
      return toPage('renders', rows, request.query.limit, (row) => renderView(row, publicUrl));
    },
  );

  app.get(
    '/renders/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['renders'],
        summary: 'Get a render: what it measured and where to download its files',
        params: renderIdParams,
        response: { 200: Type.Object({ render: renderSchema }), ...errorResponses('RENDER_NOT_FOUND') },
      },
    },
    async (request) => ({ render: renderView(await findRender(request, request.params.id), publicUrl) }),
  );

  for (const file of storedFiles) {
    app.get(
      `/renders/:id/${file.route}`,
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['renders'],
          summary: `Download the render's ${file.name}`,
          params: renderIdParams,
          response: downloadResponses(file.contentType, file.name, true),
        },
      },
      async (request, reply) => {
        const row = await findRender(request, request.params.id);
        const storage = storageFor(request);
        const key = file.keyOf(row);
        if (!key) throw new FentaError('RENDER_FILE_NOT_FOUND', { render: row.id, file: file.name });
        const local = storage.localPath(key);
        if (local === undefined) return redirectToObject(reply, storage, key, { render: row.id, file: file.name });
        const source = await localFileSource(local).catch((cause: unknown) => {
          throw new FentaError('STORAGE_FAILED', { operation: 'stat', key, reason: (cause as Error).message }, { cause });
        });
        if (!source) throw new FentaError('RENDER_FILE_NOT_FOUND', { render: row.id, file: file.name });
        return sendDownload(request, reply, source, file.contentType);
      },
    );
  }

  app.get(
    '/renders/:id/captions.vtt',
    {
      config: { scope: 'jobs:read' },
      schema: {
        tags: ['renders'],
        summary: "Download the render's captions as WebVTT (converted from its SRT)",
        params: renderIdParams,
        response: downloadResponses('text/vtt', 'WebVTT captions', false),
      },
    },
    async (request, reply) => {
      const row = await findRender(request, request.params.id);
      const storage = storageFor(request);
      const file = { render: row.id, file: 'WebVTT captions' };
      if (!row.srt_storage_path) throw new FentaError('RENDER_FILE_NOT_FOUND', file);
      const srt = await storage.getBytes(row.srt_storage_path).catch((error: unknown) => {
        throw isFentaError(error) && error.code === 'STORAGE_NOT_FOUND' ? new FentaError('RENDER_FILE_NOT_FOUND', file) : error;
      });
      return sendDownload(request, reply, bytesSource(Buffer.from(srtToVtt(srt.toString('utf8')), 'utf8')), 'text/vtt; charset=utf-8');
    },
  );

  /** The render, if it is the caller's org's (RENDER_NOT_FOUND otherwise, as for a missing one). */
  async function findRender(request: FastifyRequest, id: string): Promise<Render> {
    const row = await asTenant(db, request, ({ trx, caller }) => getOrgRender(trx, caller.orgId, id));
    if (!row) throw new FentaError('RENDER_NOT_FOUND', { render: id });
    return row;
  }

  /** Storage as the caller's org sees it: a key outside the org's files is refused before anything is read. */
  function storageFor(request: FastifyRequest): Storage {
    return scopeStorageToOrg(context.storage, request.caller!.orgId);
  }
}

/** The object on S3, by a presigned URL of a few minutes; RENDER_FILE_NOT_FOUND rather than a redirect to nothing. */
async function redirectToObject(reply: FastifyReply, storage: Storage, key: string, file: { render: string; file: string }): Promise<FastifyReply> {
  if (!(await storage.stat(key))) throw new FentaError('RENDER_FILE_NOT_FOUND', file);
  const url = await storage.downloadUrl(key, { expiresInSeconds: presignedSeconds });
  return reply.code(302).header('location', url).header('cache-control', 'no-store').send();
}
