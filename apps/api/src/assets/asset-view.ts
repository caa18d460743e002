import { Type, type TSchema } from '@sinclair/typebox';
import type { Asset, AssetVersion } from '@fenta/db';

const timestamp = Type.String({ format: 'date-time' });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const assetSchema = Type.Object(
  {
    id: Type.String(),
    name: nullable(Type.String({ description: "The file's name as uploaded, or as renamed; only ever shown." })),
    type: Type.Union([Type.Literal('video'), Type.Literal('audio'), Type.Literal('image')], { description: 'What ffprobe found the file to be.' }),
    content_type: nullable(Type.String()),
    status: Type.String({ description: '`ready` once stored and probed (uploads answer only then).' }),
    storage_key: Type.String({ description: 'Where the latest version is stored: `orgs/{org}/assets/{asset}/v{n}.{ext}`.' }),
    size_bytes: nullable(Type.Integer()),
    duration_seconds: nullable(Type.Number({ description: 'Video and audio; null for images.' })),
    width: nullable(Type.Integer()),
    height: nullable(Type.Integer()),
    fps: nullable(Type.Number({ description: 'Video only.' })),
    codec: nullable(Type.String({ description: 'The video (or image) codec, or the audio codec of an audio file.' })),
    tags: Type.Array(Type.String(), { description: '`Input.Stock` with `provider: "assets"` and `tags` finds video assets by these.' }),
    created_by: nullable(Type.String()),
    created_at: timestamp,
    updated_at: timestamp,
    deleted_at: Type.Union([timestamp, Type.Null()]),
  },
  { $id: 'Asset' },
);

export const assetVersionSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    storage_key: Type.String(),
    content_type: nullable(Type.String()),
    size_bytes: nullable(Type.Integer()),
    created_at: timestamp,
  },
  { $id: 'AssetVersion' },
);

/** An asset as the API shows it: numbers as numbers, tags from its metadata. */
export function assetView(row: Asset) {
  const metadata = (row.metadata ?? {}) as { tags?: unknown };
  return {
    id: row.id,
    name: row.filename,
    type: row.type as 'video' | 'audio' | 'image',
    content_type: row.content_type,
    status: row.status,
    storage_key: row.storage_key,
    size_bytes: row.size_bytes,
    duration_seconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    width: row.width,
    height: row.height,
    fps: row.fps === null ? null : Number(row.fps),
    codec: row.codec,
    tags: Array.isArray(metadata.tags) ? metadata.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}

export function assetVersionView(row: AssetVersion) {
  const metadata = (row.metadata ?? {}) as { content_type?: unknown; size_bytes?: unknown };
  return {
    id: row.id,
    version: row.version,
    storage_key: row.storage_key,
    content_type: typeof metadata.content_type === 'string' ? metadata.content_type : null,
    size_bytes: typeof metadata.size_bytes === 'number' ? metadata.size_bytes : null,
    created_at: row.created_at.toISOString(),
  };
}
