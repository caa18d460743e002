/** What a fontconfig pattern such as `Inter:bold` or `Noto Sans:style=Light Italic` asks for, as ASS tags can say it. */
export interface FontPattern {
  family: string;
  /** CSS-style weight: 400 regular, 700 bold. */
  weight: number;
  italic: boolean;
}

const weights: Array<[RegExp, number]> = [
  [/\b(thin|hairline)\b/, 100],
  [/\b(extra|ultra)-?light\b/, 200],
  [/\blight\b/, 300],
  [/\bmedium\b/, 500],
  [/\b(semi|demi)-?bold\b/, 600],
  [/\b(extra|ultra)-?bold\b/, 800],
  [/\b(black|heavy)\b/, 900],
  [/\bbold\b/, 700],
];

/** Reads a template's font pattern: the family before the first `:`, then weight and slant words from the rest (`bold`, `style=Light Italic`). */
export function parseFontPattern(pattern: string): FontPattern {
  const [family = '', ...rest] = pattern.split(':');
  const properties = rest.join(':').toLowerCase();
  const weight = weights.find(([word]) => word.test(properties))?.[1] ?? 400;
  return { family: family.trim() || 'Sans', weight, italic: /\b(italic|oblique)\b/.test(properties) };
}
