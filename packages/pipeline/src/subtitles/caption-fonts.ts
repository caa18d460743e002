import { readFile } from 'node:fs/promises';
import { findFallbackFamilies, matchBoldFontFace } from './font-fallback';
import { readOpenTypeMetrics, type OpenTypeMetrics } from './open-type-metrics';

/** A stretch of caption text drawn in one family. */
export interface FontRun {
  text: string;
  family: string;
}

/** The fonts captions are drawn with: the style's family, stand-ins for the characters it lacks, and their real metrics. */
export interface CaptionFonts {
  /** The family the style names (the ASS style's font). */
  family: string;
  /** What fontconfig resolves that family to; differs when the named font is not installed. */
  resolvedFamily: string;
  /** Stand-in families by character, for characters the font lacks. */
  fallbacks: Map<string, string>;
  /** Characters no installed font has (drawn as the missing-glyph box). */
  missing: string[];
  /** The text split into runs of the family each character is drawn in; spaces stay in the run around them. */
  runs(text: string): FontRun[];
  /** Width in pixels of one line of text at an ASS font size, from the fonts' advance widths (kerning, which only narrows, left out). */
  width(text: string, fontSize: number): number;
  /** The primary font's em in pixels at an ASS font size (which sizes the font by its ascent plus descent, not its em). */
  emPixels(fontSize: number): number;
}

const invisible = /[\s\p{Cc}\p{Cf}]/u;

/**
 * Loads the caption fonts for a family and the texts to draw: the face
 * fontconfig picks (bold), the families covering characters it lacks (see
 * findFallbackFamilies), and each face's metrics from its font file.
 */
export async function loadCaptionFonts(family: string, texts: string[], signal: AbortSignal): Promise<CaptionFonts> {
  const primaryFace = await matchBoldFontFace(family, signal);
  const primary = readOpenTypeMetrics(await readFile(primaryFace.file), primaryFace.index);
  const lacking = new Set<number>();
  for (const text of texts) {
    for (const char of text) {
      const codepoint = char.codePointAt(0)!;
      if (!invisible.test(char) && primary.advance(codepoint) === undefined) lacking.add(codepoint);
    }
  }
  const found = await findFallbackFamilies(family, [...lacking], signal);
  const metrics = new Map<string, OpenTypeMetrics>([[family, primary]]);
  for (const fallback of new Set(found.families.values())) {
    const face = await matchBoldFontFace(fallback, signal);
    metrics.set(fallback, readOpenTypeMetrics(await readFile(face.file), face.index));
  }
  const fallbacks = new Map([...found.families].map(([codepoint, name]) => [String.fromCodePoint(codepoint), name]));

  const familyOf = (char: string) => fallbacks.get(char) ?? family;
  return {
    family,
    resolvedFamily: primaryFace.family,
    fallbacks,
    missing: found.missing.map((c) => String.fromCodePoint(c)),
    runs(text) {
      const runs: FontRun[] = [];
      for (const char of text) {
        const last = runs[runs.length - 1];
        const charFamily = last && invisible.test(char) ? last.family : familyOf(char);
        if (last && last.family === charFamily) last.text += char;
        else runs.push({ text: char, family: charFamily });
      }
      return runs;
    },
    emPixels: (fontSize) => primary.pixelsPerUnit(fontSize) * primary.unitsPerEm,
    width(text, fontSize) {
      let width = 0;
      for (const char of text) {
        const face = metrics.get(familyOf(char)) ?? primary;
        const units = face.advance(char.codePointAt(0)!) ?? (invisible.test(char) ? 0 : face.missingAdvance);
        width += units * face.pixelsPerUnit(fontSize);
      }
      return width;
    },
  };
}
