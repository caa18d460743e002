import { z } from 'zod';
import { defineNode } from '../node-definition';

/** `Input.Stock`: distinct footage clips from Pexels, Pixabay, the org's own tagged assets or the offline library. */
export const inputStockDefinition = defineNode({
  type: 'Input.Stock',
  stage: 'ingest',
  description: "Finds and stores distinct stock clips for a query, or one per script beat, at the frame's orientation.",
  params: z.object({
    provider: z.enum(['pexels', 'pixabay', 'assets', 'offline']).default('offline'),
    query: z.string().trim().min(1).max(200),
    count: z.number().int().min(1).max(20).default(5),
    min_duration: z.number().min(0).max(60).optional(),
  }),
  inputs: { script: { kind: 'script', optional: true } },
  output: 'footage',
  // Searches and downloads fail transiently; each try reuses nothing, so keep tries few and spaced.
  retry: { attempts: 3, backoffMs: 5_000 },
  timeoutMs: 15 * 60_000,
});
