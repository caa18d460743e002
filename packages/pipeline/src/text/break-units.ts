import { spacelessScript } from './join-words';

const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
// An opening bracket or quote stays on the line of the word it opens.
const openingPunctuation = /[\p{Ps}\p{Pi}]/u;
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text cut where a line may break: after spaces, and between the words of
 * scripts written without spaces (ICU's dictionary finds the words of
 * Chinese, Japanese and Thai), never before punctuation or after an opening bracket. Each unit keeps the
 * spaces after it, so the units joined are the text again.
 */
export function breakUnits(text: string): string[] {
  const units: string[] = [];
  let previous: Intl.SegmentData | undefined;
  for (const segment of wordSegmenter.segment(text)) {
    const afterSpace = previous !== undefined && /^\s+$/u.test(previous.segment);
    const last = previous === undefined ? '' : ([...previous.segment].pop() ?? '');
    const first = [...segment.segment][0] ?? '';
    const betweenWords =
      (segment.isWordLike === true && !openingPunctuation.test(last) && (spacelessScript.test(last) || spacelessScript.test(first))) ||
      (openingPunctuation.test(first) && spacelessScript.test(last));
    const space = /^\s+$/u.test(segment.segment);
    if (units.length === 0 || ((afterSpace || betweenWords) && !space)) units.push(segment.segment);
    else units[units.length - 1] += segment.segment;
    previous = segment;
  }
  return units;
}

/** A unit too wide for any line cut into its characters (grapheme clusters, so a letter and its marks stay together). */
export function graphemes(text: string): string[] {
  return [...graphemeSegmenter.segment(text)].map((s) => s.segment);
}
