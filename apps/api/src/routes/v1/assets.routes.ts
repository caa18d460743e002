import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { assetTagPattern } from '@fenta/graph';
import { findAsset, listAssets, listAssetVersions, softDeleteAsset, updateAssetDetails, type AssetType } from '@fenta/db';
import type { ApiContext } from '../../api-context';
import { checkedName, checkedTags, maxAssetNameLength, maxAssetTags, safeFileName } from '../../assets/asset-fields';
import { allowedAssetContentTypes } from '../../assets/asset-media-types';
import { assetSchema, assetVersionSchema, assetVersionView, assetView } from '../../assets/asset-view';
import { invalidField } from '../../assets/invalid-field';
import { probeUpload, type UploadProbe } from '../../assets/probe-upload';
import { receiveUpload, type ReceivedUpload } from '../../assets/receive-upload';
import { storeAssetVersion, storeNewAsset } from '../../assets/store-asset-upload';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';

const assetIdParams = Type.Object({ id: Type.String({ pattern: '^asset_[A-Za-z0-9_-]{1,100}$', description: 'An asset id, `asset_…`.' }) });
// One enum rather than a union of literals, so a wrong value is one problem, not one per literal.
const assetType = Type.Unsafe<AssetType>({ type: 'string', enum: ['video', 'audio', 'image'], description: 'What ffprobe found the file to be.' });
const tag = Type.String({ pattern: assetTagPattern, description: 'A tag: 1 to 50 letters, digits, spaces, "_" or "-" (kept lowercase).' });
const fileField = Type.String({
  contentMediaType: 'application/octet-stream',
  description: `The media file; its part's Content-Type one of ${allowedAssetContentTypes.join(', ')}.`,
});
const uploadErrors = [
  'ASSET_TOO_LARGE',
  'ASSET_CONTENT_TYPE_UNSUPPORTED',
  'ASSET_NOT_MEDIA',
  'ASSET_TYPE_MISMATCH',
  'ROLE_FORBIDDEN',
  'STORAGE_FAILED',
] as const;

/**
 * The org's media: upload (multipart, streamed to disk, probed by ffprobe,
 * then stored under orgs/{org}/assets/{asset}/), list, read, rename and tag,
 * soft-delete, and new versions of an asset's file. Another org's asset, or a
 * deleted one, is ASSET_NOT_FOUND.
 */
export async function registerAssetRoutes(parent: FastifyInstance, { db, storage, uploads }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  // Here only: the rest of the API reads JSON alone. Files are streamed by the handlers, never buffered (limits per request in receiveUpload).
  await app.register(multipart);

  /**
   * Receives an upload in a temp folder of its own (removed whatever happens),
   * checks its form fields (cheap, so before ffprobe runs), probes it, then
   * stores it with `store`.
   */
  const withReceivedUpload = async <Fields, T>(
    request: FastifyRequest,
    checkFields: (upload: ReceivedUpload) => Fields,
    store: (upload: ReceivedUpload, probe: UploadProbe, fields: Fields) => Promise<T>,
  ): Promise<T> => {
    await mkdir(uploads.tempDir, { recursive: true });
    const dir = await mkdtemp(path.join(uploads.tempDir, 'upload-'));
    try {
      const upload = await receiveUpload(request, { maxBytes: uploads.maxBytes, dir });
      const fields = checkFields(upload);
      return await store(upload, await probeUpload(upload.path, upload.contentType, upload.bytes), fields);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  app.post(
    '/assets',
    {
      config: { scope: 'assets:write' },
      schema: {
        tags: ['assets'],
        summary: 'Upload a media file (video, audio or image) as a new asset',
        description:
          `multipart/form-data with one \`file\` part (at most FENTA_ASSET_MAX_BYTES, 500 MiB by default), an optional \`name\` ` +
          `and up to ${maxAssetTags} \`tags\` fields (one tag each). The file is probed with ffprobe: what it really is must match its declared type.`,
        consumes: ['multipart/form-data'],
        multipartBody: Type.Object(
          {
            file: fileField,
            name: Type.Optional(Type.String({ maxLength: maxAssetNameLength })),
            tags: Type.Optional(Type.Array(tag, { maxItems: maxAssetTags })),
          },
          { required: ['file'] },
        ),
        response: { 201: Type.Object({ asset: assetSchema }), ...errorResponses(...uploadErrors) },
      },
    },
    async (request, reply) => {
      const asset = await withReceivedUpload(
        request,
        (upload) => ({
          name: upload.name !== undefined ? checkedName(upload.name, 'body.name') : (safeFileName(upload.clientFilename) ?? null),
          tags: checkedTags(upload.tags),
        }),
        (upload, probe, fields) => storeNewAsset({ db, storage }, request, { upload, probe, ...fields }),
      );
      return reply.status(201).send({ asset: assetView(asset) });
    },
  );

  app.get(
    '/assets',
    {
      config: { scope: 'assets:read' },
      schema: {
        tags: ['assets'],
        summary: "List the org's assets, newest first",
        querystring: Type.Object({ ...pageQuery, type: Type.Optional(assetType), tag: Type.Optional(tag) }),
        response: { 200: pageSchema(assetSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const { limit, cursor, type } = request.query;
      const after = decodeCursor('assets', cursor, 'asset');
      const tagged = request.query.tag?.toLowerCase();
      const rows = await asTenant(db, request, ({ trx, caller }) =>
        listAssets(trx, { orgId: caller.orgId, limit: limit + 1, ...(type ? { type } : {}), ...(tagged ? { tag: tagged } : {}), ...(after ? { after } : {}) }),
      );
      return toPage('assets', rows, limit, assetView);
    },
  );

  app.get(
    '/assets/:id',
    {
      config: { scope: 'assets:read' },
      schema: {
        tags: ['assets'],
        summary: 'Read an asset and its versions (newest first)',
        params: assetIdParams,
        response: { 200: Type.Object({ asset: assetSchema, versions: Type.Array(assetVersionSchema) }), ...errorResponses('ASSET_NOT_FOUND') },
      },
    },
    async (request) => {
      const id = request.params.id;
      return asTenant(db, request, async ({ trx, caller }) => {
        const row = await findAsset(trx, caller.orgId, id);
        if (!row) throw new FentaError('ASSET_NOT_FOUND', { asset: id });
        return { asset: assetView(row), versions: (await listAssetVersions(trx, id)).map(assetVersionView) };
      });
    },
  );

  app.patch(
    '/assets/:id',
    {
      config: { scope: 'assets:write' },
      schema: {
        tags: ['assets'],
        summary: 'Rename an asset or replace its tags',
        params: assetIdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: maxAssetNameLength })),
            tags: Type.Optional(Type.Array(tag, { maxItems: maxAssetTags })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ asset: assetSchema }), ...errorResponses('ASSET_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request) => {
      const id = request.params.id;
      const change = {
        ...(request.body.name !== undefined ? { filename: checkedName(request.body.name, 'body.name') } : {}),
        ...(request.body.tags !== undefined ? { tags: checkedTags(request.body.tags) } : {}),
      };
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await findAsset(trx, caller.orgId, id, { forUpdate: true });
        if (!before) throw new FentaError('ASSET_NOT_FOUND', { asset: id });
        const after = await updateAssetDetails(trx, caller.orgId, id, change);
        if (!after) throw new FentaError('ASSET_NOT_FOUND', { asset: id });
        await audit({ action: 'update', resourceType: 'asset', resourceId: id, changes: { before: assetView(before), after: assetView(after) } });
        return after;
      });
      return { asset: assetView(row) };
    },
  );

  app.delete(
    '/assets/:id',
    {
      config: { scope: 'assets:write' },
      schema: {
        tags: ['assets'],
        summary: 'Delete an asset (renders stop finding it; its files are kept)',
        params: assetIdParams,
        response: { 200: Type.Object({ asset: assetSchema }), ...errorResponses('ASSET_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request) => {
      const id = request.params.id;
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await findAsset(trx, caller.orgId, id, { forUpdate: true });
        if (!before) throw new FentaError('ASSET_NOT_FOUND', { asset: id });
        const after = await softDeleteAsset(trx, caller.orgId, id);
        if (!after) throw new FentaError('ASSET_NOT_FOUND', { asset: id });
        await audit({ action: 'delete', resourceType: 'asset', resourceId: id, changes: { before: assetView(before), after: assetView(after) } });
        return after;
      });
      return { asset: assetView(row) };
    },
  );

  app.post(
    '/assets/:id/versions',
    {
      config: { scope: 'assets:write' },
      schema: {
        tags: ['assets'],
        summary: "Upload a new version of an asset's file; the asset then points at it",
        description: 'multipart/form-data with one `file` part, as for POST /v1/assets; it must be the same kind of media (video, audio, image) as the asset.',
        params: assetIdParams,
        consumes: ['multipart/form-data'],
        multipartBody: Type.Object({ file: fileField }, { required: ['file'] }),
        response: { 201: Type.Object({ asset: assetSchema, version: assetVersionSchema }), ...errorResponses('ASSET_NOT_FOUND', ...uploadErrors) },
      },
    },
    async (request, reply) => {
      const assetId = request.params.id;
      const stored = await withReceivedUpload(
        request,
        (upload) => {
          if (upload.name !== undefined) throw invalidField('body.name', 'is not a field of a new version: rename the asset with PATCH');
          if (upload.tags.length > 0) throw invalidField('body.tags', 'is not a field of a new version: tag the asset with PATCH');
        },
        (upload, probe) => storeAssetVersion({ db, storage }, request, { assetId, upload, probe }),
      );
      return reply.status(201).send({ asset: assetView(stored.asset), version: assetVersionView(stored.version) });
    },
  );
}
