/** One level of ffmpeg's unescaping: its special characters escaped, and the whitespace at either end, which that level would trim. */
function escapeLevel(value: string, special: RegExp): string {
  return value.replace(special, '\\$&').replace(/^\s|\s$/g, '\\$&');
}

/**
 * A value (path, text, expression) made safe inside an ffmpeg filter graph.
 * ffmpeg unescapes twice: the graph parser first (where `[ ] , ;` end a
 * filter), then the filter's option parser (where `:` ends an option). Each
 * level treats `\` and `'` as special and trims unescaped whitespace at the
 * ends, so the value is escaped for the option level and the result escaped
 * again for the graph level: whatever a template puts in a text, it stays
 * that one option's value, to the character.
 */
export function escapeFilterValue(value: string): string {
  return escapeLevel(escapeLevel(value, /[\\':]/g), /[\\'[\],;]/g);
}

/** Seconds for an ffmpeg argument: no float noise (`2.4000000000000004`), enough digits to name a frame. */
export function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}
