import { breakUnits, graphemes } from '../text/break-units';

/** A rectangle of the frame, in pixels: where text may be drawn. */
export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How text is measured and how far it may shrink. */
export interface TextFitOptions {
  /** The size asked for (an ASS font size, which is also the line height). */
  size: number;
  /** The smallest size to shrink to before a word is cut between its characters. */
  minSize: number;
  maxLines: number;
  /** Room kept around the text inside the box at a size (a background box's padding, a shadow's offset). */
  padding(size: number): number;
  /** The drawn width of one line of text at a size, in pixels. */
  width(text: string, size: number): number;
}

/** Text laid out to fit a box: its lines, the size they are drawn at, and the widest line's width. */
export interface FittedText {
  lines: string[];
  size: number;
  widest: number;
}

/**
 * Lays text out inside a box: broken into at most `maxLines` balanced lines
 * at the size asked for, else at the largest smaller size (down to
 * `minSize`) where it fits. Text that fits at none (a word wider than the box
 * at the smallest size) has its too-wide words cut between characters and is
 * drawn as small as it must be. The result always fits: every line, with its
 * padding, within the width, and all lines within the height.
 */
export function fitTextInBox(text: string, box: Pick<TextBox, 'width' | 'height'>, options: TextFitOptions): FittedText {
  const units = breakUnits(text.trim());
  if (units.length === 0) return { lines: [], size: options.size, widest: 0 };
  for (let size = options.size; ; size = Math.max(options.minSize, Math.floor(size * 0.92))) {
    const padding = options.padding(size);
    const maxWidth = box.width - 2 * padding;
    const measure = (line: string) => options.width(line, size);
    const lines = wrap(units, maxWidth, measure);
    if (lines && lines.length <= options.maxLines && lines.length * size <= box.height - 2 * padding) {
      const balanced = balance(units, lines.length, maxWidth, measure);
      return { lines: balanced, size, widest: Math.max(...balanced.map(measure)) };
    }
    if (size <= options.minSize) break;
  }
  // Nothing fits whole: cut the words too wide for a line, then shrink until width and height both fit.
  const size = options.minSize;
  const padding = options.padding(size);
  const measure = (line: string) => options.width(line, size);
  const maxWidth = box.width - 2 * padding;
  const cut = units.flatMap((unit) => (measure(unit.trimEnd()) > maxWidth ? graphemes(unit) : [unit]));
  const lines = wrap(cut, Math.max(maxWidth, ...cut.map((unit) => measure(unit.trimEnd()))), measure)!;
  const widest = Math.max(...lines.map(measure));
  const scale = Math.min(1, maxWidth / widest, (box.height - 2 * padding) / (lines.length * size));
  const fitted = Math.max(1, Math.floor(size * scale));
  return { lines, size: fitted, widest: (widest * fitted) / size };
}

/** Greedy line filling; undefined when a unit alone is wider than a line. */
function wrap(units: string[], maxWidth: number, measure: (line: string) => number): string[] | undefined {
  const lines: string[] = [];
  let line = '';
  for (const unit of units) {
    if (line === '' || measure((line + unit).trimEnd()) <= maxWidth) {
      line += unit;
      continue;
    }
    lines.push(line.trimEnd());
    line = unit;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.some((l) => measure(l) > maxWidth) ? undefined : lines;
}

/** The same number of lines at the narrowest width that still needs no more of them: a full line over a stub reads worse. */
function balance(units: string[], count: number, maxWidth: number, measure: (line: string) => number): string[] {
  let best = wrap(units, maxWidth, measure)!;
  if (count < 2) return best;
  let low = 0;
  let high = maxWidth;
  for (let i = 0; i < 16 && high - low > 1; i += 1) {
    const middle = (low + high) / 2;
    const lines = wrap(units, middle, measure);
    if (lines && lines.length <= count) {
      best = lines;
      high = middle;
    } else low = middle;
  }
  return best;
}
