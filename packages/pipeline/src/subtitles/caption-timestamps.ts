/** Splits seconds into clock fields at a given precision, rounding once so 59.9996 s becomes 00:01:00, not 00:00:60. */
function clock(seconds: number, unitsPerSecond: number): { hours: number; minutes: number; seconds: number; fraction: number } {
  const units = Math.max(0, Math.round(seconds * unitsPerSecond));
  const wholeSeconds = Math.floor(units / unitsPerSecond);
  return {
    hours: Math.floor(wholeSeconds / 3600),
    minutes: Math.floor(wholeSeconds / 60) % 60,
    seconds: wholeSeconds % 60,
    fraction: units % unitsPerSecond,
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** SRT time: `HH:MM:SS,mmm`. */
export function formatSrtTime(seconds: number): string {
  const c = clock(seconds, 1000);
  return `${pad(c.hours, 2)}:${pad(c.minutes, 2)}:${pad(c.seconds, 2)},${pad(c.fraction, 3)}`;
}

/** WebVTT time: `HH:MM:SS.mmm`. */
export function formatVttTime(seconds: number): string {
  const c = clock(seconds, 1000);
  return `${pad(c.hours, 2)}:${pad(c.minutes, 2)}:${pad(c.seconds, 2)}.${pad(c.fraction, 3)}`;
}

/** ASS time: `H:MM:SS.cc` (centiseconds, the format's precision). */
export function formatAssTime(seconds: number): string {
  const c = clock(seconds, 100);
  return `${c.hours}:${pad(c.minutes, 2)}:${pad(c.seconds, 2)}.${pad(c.fraction, 2)}`;
}
