import { Type, type TSchema } from '@sinclair/typebox';
import type { Render } from '@fenta/db';
import { renderLinks } from '@fenta/jobs';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const renderSchema = Type.Object(
  {
    id: Type.String(),
    job_id: Type.String(),
    video_url: Type.String({ description: 'GET it with your API key: the MP4 (Range requests work).' }),
    thumbnail_url: nullable(Type.String({ description: 'The JPEG thumbnail.' })),
    srt_url: nullable(Type.String({ description: 'The captions as SubRip.' })),
    vtt_url: nullable(Type.String({ description: 'The captions as WebVTT.' })),
    duration_seconds: nullable(Type.Number()),
    width: nullable(Type.Integer()),
    height: nullable(Type.Integer()),
    fps: nullable(Type.Number()),
    file_size_bytes: nullable(Type.Integer()),
    video_codec: nullable(Type.String()),
    audio_codec: nullable(Type.String()),
    bitrate_kbps: nullable(Type.Integer()),
    profile: Type.String({ description: 'The output profile, e.g. 9x16_1080p, or preview; a job has one render of each profile it asked for.' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Render' },
);

/**
 * A render as clients see it: what ffprobe measured and the API's download
 * routes under `publicUrl`. Never its storage keys or the storage it is on.
 * A file the render does not have (renders older than the thumbnail's and
 * captions' keys) has no URL.
 */
export function renderView(row: Render, publicUrl: string) {
  const links = renderLinks(publicUrl, row.id);
  const metadata = (row.metadata ?? {}) as { audio_codec?: unknown };
  const frame = /^(\d+)x(\d+)$/.exec(row.resolution ?? '');
  return {
    id: row.id,
    job_id: row.job_id,
    video_url: links.video_url,
    thumbnail_url: row.thumbnail_storage_path ? links.thumbnail_url : null,
    srt_url: row.srt_storage_path ? links.srt_url : null,
    vtt_url: row.srt_storage_path ? links.vtt_url : null,
    duration_seconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    width: frame ? Number(frame[1]) : null,
    height: frame ? Number(frame[2]) : null,
    fps: row.fps === null ? null : Number(row.fps),
    file_size_bytes: row.file_size_bytes,
    video_codec: row.codec,
    audio_codec: typeof metadata.audio_codec === 'string' ? metadata.audio_codec : null,
    bitrate_kbps: row.bitrate_kbps,
    profile: row.profile,
    created_at: row.created_at.toISOString(),
  };
}
