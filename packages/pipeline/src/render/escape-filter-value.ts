/**
 * A value (path, text, expression) made safe inside an ffmpeg filter graph.
 * ffmpeg unescapes twice: the graph parser first (where `[ ] , ;` end a
 * filter), then the filter's option parser (where `:` ends an option). Each
 * level treats `\` and `'` as special, so the value is escaped for the option
 * level and the result escaped again for the graph level.
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, '\\$&');
  return optionLevel.replace(/[\\'[\],;]/g, '\\$&');
}

/** Seconds for an ffmpeg argument: no float noise (`2.4000000000000004`), enough digits to name a frame. */
export function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}
