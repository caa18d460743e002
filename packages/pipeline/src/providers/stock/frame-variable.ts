import { z } from 'zod';

const frameSchema = z.object({ width: z.number().int().min(16).max(8192), height: z.number().int().min(16).max(8192) });

/** The frame a job renders to when its variables do not say: vertical 1080x1920. */
export const defaultFrame = { width: 1080, height: 1920 } as const;

/** The output frame from the job's `frame` variable (`{ width, height }`), else the vertical default. */
export function frameVariable(variables: Record<string, unknown>): { width: number; height: number } {
  const parsed = frameSchema.safeParse(variables.frame);
  return parsed.success ? parsed.data : { ...defaultFrame };
}
