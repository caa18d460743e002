import { Type } from '@sinclair/typebox';
import type { TemplateRecord } from '@fenta/db';
import { stringEnum } from '../../http/string-enum';
import { templateAspects } from '../../templates/template-frame';

export const templateIdParam = Type.String({ pattern: '^tmpl_[A-Za-z0-9_-]{1,100}$', description: 'A template id, `tmpl_…`.' });

export const templateAspectSchema = stringEnum(templateAspects, { description: 'The frame shape; one the renderer has output profiles for.' });

export const templateResolutionSchema = Type.String({
  pattern: '^[1-9][0-9]{1,4}x[1-9][0-9]{1,4}$',
  description: 'WIDTHxHEIGHT in pixels, a frame of the aspect (e.g. 1080x1920 for 9:16); the pixel sizes of the spec are meant for it.',
});

// The spec format is open (tools may add fields), so its schema here only says
// it is an object; the template spec format of @fenta/graph checks the rest.
export const templateSpecSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'tracks, overlays, placeholders, cover, safe_area, rules, subtitle_style_presets (see the template spec format); checked when saved.',
});

export const thumbnailUrlSchema = Type.Union([Type.String({ maxLength: 2048, pattern: '^https?://[^\\s]+$', description: 'An http(s) URL.' }), Type.Null()]);

const timestamp = Type.String({ format: 'date-time' });

export const templateSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    aspect: Type.String(),
    resolution: Type.String(),
    spec: templateSpecSchema,
    thumbnail_url: Type.Union([Type.String(), Type.Null()]),
    project_id: Type.Union([Type.String(), Type.Null()]),
    public: Type.Boolean({ description: "Readable by every org; only the org that owns a template changes it, and none changes Fenta's own." }),
    usage_count: Type.Integer(),
    etag: Type.String({ description: 'The ETag header of this state, for If-Match.' }),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Template' },
);

/** The API's view of a template. */
export function templateView(row: TemplateRecord, etag: string) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    aspect: row.aspect,
    resolution: row.resolution,
    spec: row.spec as Record<string, unknown>,
    thumbnail_url: row.thumbnail_url,
    project_id: row.project_id,
    public: row.is_public,
    usage_count: row.usage_count,
    etag,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
