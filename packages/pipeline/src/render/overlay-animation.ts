import { formatSeconds } from './escape-filter-value';

/** How long an entrance or exit animation lasts: 0.4 s, or less in a short overlay. */
export function animationSeconds(start: number, end: number): number {
  return Math.min(0.4, (end - start) / 3);
}

/**
 * `0..1` easing for an entrance that starts at `start`: 1 at the start, 0
 * once it is done (ease-out cubic: fast in, soft landing). `t` is the frame time.
 */
export function entranceRemaining(start: number, seconds: number): string {
  return `pow(max(0,1-(t-${formatSeconds(start)})/${formatSeconds(seconds)}),3)`;
}

/** `0..1` opacity for a fade in at `start` and out at `end`. */
export function fadeInOut(start: number, end: number, seconds: number): string {
  const s = formatSeconds(seconds);
  return `max(0,min(1,min((t-${formatSeconds(start)})/${s},(${formatSeconds(end)}-t)/${s})))`;
}

/** `0..1` opacity for a fade out ending at `end`. */
export function fadeOut(end: number, seconds: number): string {
  return `max(0,min(1,(${formatSeconds(end)}-t)/${formatSeconds(seconds)}))`;
}
