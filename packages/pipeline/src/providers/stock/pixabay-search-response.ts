import { z } from 'zod';

const rendition = z.object({
  url: z.string(),
  width: z.number(),
  height: z.number(),
  size: z.number().nullish(),
});

/**
 * The parts of Pixabay's `GET /api/videos/` answer Fenta reads. Pixabay
 * sends a rendition with an empty url and zero size when it has none at that
 * size, so every rendition is optional and empty ones are ignored.
 */
export const pixabaySearchResponse = z.object({
  total: z.number(),
  totalHits: z.number(),
  hits: z.array(
    z.object({
      id: z.number(),
      pageURL: z.string().nullish(),
      tags: z.string().nullish(),
      duration: z.number(),
      user: z.string().nullish(),
      videos: z.object({
        large: rendition.nullish(),
        medium: rendition.nullish(),
        small: rendition.nullish(),
        tiny: rendition.nullish(),
      }),
    }),
  ),
});

export type PixabaySearchResponse = z.infer<typeof pixabaySearchResponse>;
