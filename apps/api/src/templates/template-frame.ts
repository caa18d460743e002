import { FentaError } from '@fenta/core';
import { outputAspects } from '@fenta/graph';

/** The aspects a template may have: those the renderer has output profiles for (`9x16_1080p` → `9:16`). */
export const templateAspects = outputAspects.map((aspect) => aspect.replace('x', ':'));

/** The pixel sizes a template's resolution may have: from a 144p frame to 4K; even, as H.264's 4:2:0 chroma needs. */
const side = { min: 144, max: 4096 } as const;

/**
 * Checks that a template's `resolution` (WIDTHxHEIGHT, its pattern already
 * checked by the route's schema) is a frame of its `aspect`: the renderer
 * picks the output profile from the aspect and scales the template's pixel
 * sizes by the resolution, so the two must agree. REQUEST_INVALID names
 * `field`, the one the request changed.
 */
export function checkTemplateFrame(aspect: string, resolution: string, field: 'aspect' | 'resolution'): void {
  const [width, height] = resolution.split('x').map(Number) as [number, number];
  const [across, down] = aspect.split(':').map(Number) as [number, number];
  const problem = [width, height].some((n) => n < side.min || n > side.max)
    ? `sides must be ${side.min} to ${side.max} pixels`
    : [width, height].some((n) => n % 2 !== 0)
      ? 'sides must be even numbers of pixels'
      : width * down !== height * across
        ? `${resolution} is not a ${aspect} frame`
        : undefined;
  if (problem === undefined) return;
  const path = `body.${field}`;
  throw new FentaError('REQUEST_INVALID', { reason: `${path} ${problem}` }, { details: { problems: [{ path, message: problem }] } });
}
