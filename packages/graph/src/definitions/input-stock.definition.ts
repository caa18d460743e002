import { z } from 'zod';
import { defineNode } from '../node-definition';

/**
 * The grammar of an asset tag, one for uploads (POST /v1/assets) and for
 * `Input.Stock`'s `tags`: 1 to 50 letters, digits, spaces, `_` or `-`,
 * starting with a letter or digit. Tags are kept lowercase.
 */
export const assetTagPattern = '^[\\p{L}\\p{N}][\\p{L}\\p{N} _-]{0,49}$';
export const assetTagProblem = 'must be 1 to 50 letters, digits, spaces, "_" or "-", starting with a letter or digit';

const assetTagSchema = z.string().trim().toLowerCase().regex(new RegExp(assetTagPattern, 'u'), assetTagProblem);

/** `Input.Stock`: distinct footage clips from Pexels, Pixabay, the org's own tagged assets or the offline library. */
export const inputStockDefinition = defineNode({
  type: 'Input.Stock',
  stage: 'ingest',
  description: "Finds and stores distinct stock clips for a query, or one per script beat, at the frame's orientation.",
  params: z
    .object({
      provider: z.enum(['pexels', 'pixabay', 'assets', 'offline']).default('offline'),
      /** What to search for; with `tags` it only names the search in logs (and feeds the offline library if `assets` is unavailable). */
      query: z.string().trim().min(1).max(200).optional(),
      /** For `provider: 'assets'`: the org's video assets carrying any of these tags (most matches first), instead of the words of `query`. */
      tags: z.array(assetTagSchema).min(1).max(20).optional(),
      count: z.number().int().min(1).max(20).default(5),
      min_duration: z.number().min(0).max(60).optional(),
    })
    .superRefine((params, context) => {
      if (params.tags !== undefined && params.provider !== 'assets') {
        context.addIssue({ code: 'custom', path: ['tags'], message: 'is read by the assets provider only: set provider to "assets" or search with query' });
      }
      if (params.query === undefined && params.tags === undefined) {
        context.addIssue({ code: 'custom', path: ['query'], message: 'is required (or tags, with provider "assets")' });
      }
    }),
  inputs: { script: { kind: 'script', optional: true } },
  output: 'footage',
  // Searches and downloads fail transiently; each try reuses nothing, so keep tries few and spaced.
  retry: { attempts: 3, backoffMs: 5_000 },
  timeoutMs: 15 * 60_000,
});
