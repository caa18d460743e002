import type { DB } from '@fenta/db';
import { sql, type Kysely } from 'kysely';

/** A ready video of the org's own, as the assets provider needs it. */
export interface TaggedVideoAsset {
  id: string;
  storageKey: string;
  contentType: string | null;
  sizeBytes: number | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  url: string | null;
  /** How many of the asked tags the asset carries. */
  matches: number;
}

/**
 * The org's ready, not deleted video assets whose `metadata.tags` contain
 * any of `tags` (case-insensitive), most matching tags first, then newest.
 * Always scoped by org: another org's assets never come back.
 */
export async function findTaggedVideoAssets(db: Kysely<DB>, orgId: string, tags: string[], limit: number): Promise<TaggedVideoAsset[]> {
  const wanted = [...new Set(tags.map((tag) => tag.toLowerCase()))];
  if (wanted.length === 0) return [];
  // `metadata.tags` is free-form JSON: only an array of strings is read, anything else matches nothing.
  const matches = sql<number>`(
    SELECT count(*)::int FROM jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(${sql.ref('metadata')} -> 'tags') = 'array' THEN ${sql.ref('metadata')} -> 'tags' ELSE '[]'::jsonb END
    ) AS tag WHERE lower(tag) = ANY(${sql.val(wanted)}::text[])
  )`;
  const rows = await db
    .selectFrom('assets')
    .select(['id', 'storage_key', 'content_type', 'size_bytes', 'duration_seconds', 'width', 'height', 'fps', 'url', 'created_at'])
    .select(matches.as('matches'))
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'ready')
    .where('type', '=', 'video')
    .where(matches, '>', 0)
    .orderBy('matches', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    storageKey: row.storage_key,
    contentType: row.content_type,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    width: row.width,
    height: row.height,
    fps: row.fps === null ? null : Number(row.fps),
    url: row.url,
    matches: row.matches,
  }));
}
