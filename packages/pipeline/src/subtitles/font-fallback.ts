import { runChildProcess } from '../process/run-child-process';

/** An installed font face as fontconfig resolves a pattern. */
export interface FontFace {
  family: string;
  file: string;
  index: number;
}

/** A fontconfig pattern for a family, bold as captions are drawn; `-`, `:`, `,` and `\` in the name escaped. */
export function boldFontPattern(family: string, codepoints: number[] = []): string {
  const name = family.replace(/[\\\-:,]/g, (c) => `\\${c}`);
  return `${name}:bold${codepoints.length > 0 ? `:charset=${codepoints.map((c) => c.toString(16)).join(' ')}` : ''}`;
}

/**
 * The face fontconfig picks for a family, drawn bold (`fc-match`). libass asks
 * fontconfig the same way, so when the family is not installed this is the
 * stand-in the renderer will really use.
 */
export async function matchBoldFontFace(family: string, signal: AbortSignal): Promise<FontFace> {
  // `--` before every pattern: a family name is the template's, and fontconfig's tools read a leading `-` as an option.
  const { stdout } = await runChildProcess('fc-match', ['--format', '%{family[0]}\n%{file}\n%{index}\n', '--', boldFontPattern(family)], { signal });
  const [matched = '', file = '', index = '0'] = stdout.split('\n');
  if (!file) throw new Error(`fontconfig found no font for "${family}"`);
  return { family: matched, file, index: Number(index) || 0 };
}

/** Which family stands in for each character the primary font lacks, and which characters no installed font has. */
export interface FontFallbacks {
  families: Map<number, string>;
  missing: number[];
}

// A text with characters from many scripts could ask fontconfig hundreds of
// questions; past this many, the remaining characters stay with the primary
// font (and are reported missing) rather than stalling the node.
const maxQueries = 48;

/**
 * Finds installed families covering `codepoints`: one family for all of them
 * when there is one, else one per Unicode block (128 characters), else per
 * character. Candidates come from `fc-list :charset=…`; among them the one
 * `fc-match -s` ranks closest to the primary font wins, so the stand-in looks
 * as much like the primary as fontconfig can tell.
 */
export async function findFallbackFamilies(primary: string, codepoints: number[], signal: AbortSignal): Promise<FontFallbacks> {
  const families = new Map<number, string>();
  const missing: number[] = [];
  let queries = 0;
  const cover = async (group: number[]): Promise<boolean> => {
    if (queries >= maxQueries) return false;
    queries += 1;
    const family = await closestCoveringFamily(primary, group, signal);
    if (family) group.forEach((c) => families.set(c, family));
    return family !== undefined;
  };
  const unique = [...new Set(codepoints)].sort((a, b) => a - b);
  if (unique.length === 0 || (await cover(unique))) return { families, missing };
  const blocks = new Map<number, number[]>();
  for (const c of unique) blocks.set(c >> 7, [...(blocks.get(c >> 7) ?? []), c]);
  for (const block of blocks.values()) {
    if (block.length > 1 && (await cover(block))) continue;
    for (const c of block) {
      if (!(await cover([c]))) missing.push(c);
    }
  }
  return { families, missing };
}

async function closestCoveringFamily(primary: string, codepoints: number[], signal: AbortSignal): Promise<string | undefined> {
  const charset = `:charset=${codepoints.map((c) => c.toString(16)).join(' ')}`;
  const listed = await runChildProcess('fc-list', ['--format', '%{family[0]}\n', '--', charset], { signal });
  const covering = new Set(listed.stdout.split('\n').filter(Boolean));
  if (covering.size === 0) return undefined;
  const ranked = await runChildProcess('fc-match', ['-s', '--format', '%{family[0]}\n', '--', boldFontPattern(primary, codepoints)], { signal });
  return ranked.stdout.split('\n').find((family) => covering.has(family)) ?? [...covering].sort()[0];
}
