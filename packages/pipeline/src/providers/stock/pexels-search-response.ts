import { z } from 'zod';

/**
 * The parts of Pexels' `GET /videos/search` answer Fenta reads. Pexels
 * leaves width/height/fps null on some files (HLS playlists), so those are
 * nullable and such files are ignored.
 */
export const pexelsSearchResponse = z.object({
  page: z.number(),
  per_page: z.number(),
  total_results: z.number(),
  videos: z.array(
    z.object({
      id: z.number(),
      width: z.number().nullish(),
      height: z.number().nullish(),
      duration: z.number(),
      url: z.string().nullish(),
      user: z.object({ name: z.string().nullish(), url: z.string().nullish() }).nullish(),
      video_files: z.array(
        z.object({
          id: z.number(),
          quality: z.string().nullish(),
          file_type: z.string().nullish(),
          width: z.number().nullish(),
          height: z.number().nullish(),
          fps: z.number().nullish(),
          link: z.string(),
        }),
      ),
    }),
  ),
});

export type PexelsSearchResponse = z.infer<typeof pexelsSearchResponse>;
