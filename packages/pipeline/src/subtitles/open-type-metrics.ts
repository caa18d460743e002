/** The horizontal metrics of one font face, read from its OpenType/TrueType tables. */
export interface OpenTypeMetrics {
  unitsPerEm: number;
  /** The glyph's advance width in font units, or undefined when the font has no glyph for the character. */
  advance(codepoint: number): number | undefined;
  /** The advance of the "missing glyph" box a renderer draws for an unmapped character. */
  missingAdvance: number;
  /**
   * Pixels per font unit at an ASS font size. libass (like VSFilter) sizes a
   * font so that its OS/2 win ascent + descent spans the size, not the em,
   * so the same size draws fonts with tall metrics smaller.
   */
  pixelsPerUnit(fontSize: number): number;
}

/** Reads a face's cmap, hmtx and vertical extents; `faceIndex` picks the face of a collection (.ttc). */
export function readOpenTypeMetrics(font: Buffer, faceIndex = 0): OpenTypeMetrics {
  const face = font.toString('latin1', 0, 4) === 'ttcf' ? font.readUInt32BE(12 + 4 * faceIndex) : 0;
  const tables = new Map<string, { offset: number; length: number }>();
  const tableCount = font.readUInt16BE(face + 4);
  for (let i = 0; i < tableCount; i += 1) {
    const record = face + 12 + 16 * i;
    tables.set(font.toString('latin1', record, record + 4), { offset: font.readUInt32BE(record + 8), length: font.readUInt32BE(record + 12) });
  }
  const table = (tag: string) => {
    const found = tables.get(tag);
    if (!found) throw new Error(`the font has no ${tag} table`);
    return found.offset;
  };

  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const hhea = table('hhea');
  const ascender = font.readInt16BE(hhea + 4);
  const descender = font.readInt16BE(hhea + 6);
  const metricCount = font.readUInt16BE(hhea + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, metricCount - 1));

  const os2 = tables.get('OS/2');
  const winHeight = os2 && os2.length >= 78 ? font.readUInt16BE(os2.offset + 74) + font.readUInt16BE(os2.offset + 76) : 0;
  const height = winHeight > 0 ? winHeight : ascender - descender;

  const glyphOf = readCharacterMap(font, table('cmap'));
  const cache = new Map<number, number | undefined>();
  return {
    unitsPerEm,
    missingAdvance: advanceOf(0),
    advance(codepoint) {
      if (!cache.has(codepoint)) {
        const glyph = glyphOf(codepoint);
        cache.set(codepoint, glyph ? advanceOf(glyph) : undefined);
      }
      return cache.get(codepoint);
    },
    pixelsPerUnit: (fontSize) => fontSize / (height > 0 ? height : unitsPerEm),
  };
}

/** A lookup from character to glyph id (0 = none) from the best Unicode subtable: format 12 (full Unicode), else format 4 (BMP). */
function readCharacterMap(font: Buffer, cmap: number): (codepoint: number) => number {
  const count = font.readUInt16BE(cmap + 2);
  const subtables: Array<{ format: number; offset: number; rank: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const record = cmap + 4 + 8 * i;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    const format = font.readUInt16BE(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (unicode && (format === 12 || format === 4)) subtables.push({ format, offset, rank: format === 12 ? 0 : 1 });
  }
  subtables.sort((a, b) => a.rank - b.rank);
  const best = subtables[0];
  if (!best) throw new Error('the font has no Unicode character map');
  return best.format === 12 ? segmentedCoverage(font, best.offset) : segmentMapping(font, best.offset);
}

/** cmap format 12: groups of consecutive characters mapped to consecutive glyphs. */
function segmentedCoverage(font: Buffer, at: number): (codepoint: number) => number {
  const groups = font.readUInt32BE(at + 12);
  return (codepoint) => {
    let low = 0;
    let high = groups - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const group = at + 16 + 12 * middle;
      const start = font.readUInt32BE(group);
      const end = font.readUInt32BE(group + 4);
      if (codepoint < start) high = middle - 1;
      else if (codepoint > end) low = middle + 1;
      else return font.readUInt32BE(group + 8) + (codepoint - start);
    }
    return 0;
  };
}

/** cmap format 4: BMP segments, each a delta or an offset into the glyph id array. */
function segmentMapping(font: Buffer, at: number): (codepoint: number) => number {
  const segments = font.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codepoint) => {
    if (codepoint > 0xffff) return 0;
    for (let i = 0; i < segments; i += 1) {
      if (font.readUInt16BE(ends + 2 * i) < codepoint) continue;
      const start = font.readUInt16BE(starts + 2 * i);
      if (start > codepoint) return 0;
      const delta = font.readInt16BE(deltas + 2 * i);
      const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * i);
      if (rangeOffset === 0) return (codepoint + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsets + 2 * i + rangeOffset + 2 * (codepoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
