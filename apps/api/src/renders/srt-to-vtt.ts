// `HH:MM:SS,mmm` (SubRip), also with a dot or fewer digits, as other tools write it.
const timestamp = /(\d{1,3}):(\d{2}):(\d{2})[,.](\d{1,3})/;
const timing = new RegExp(`^\\s*${timestamp.source}\\s*-->\\s*${timestamp.source}`);

/**
 * A WebVTT file from a SubRip one, for players that read only WebVTT: the
 * header, then each cue's timing (`HH:MM:SS.mmm --> HH:MM:SS.mmm`, SubRip's
 * position hints dropped) and its lines with `&`, `<` and `>` escaped, so no
 * caption text reads as markup or as timing. A block without a timing line
 * is skipped. For the captions Fenta writes, this is byte for byte the
 * WebVTT the Subtitle.Auto node writes from the same cues.
 */
export function srtToVtt(srt: string): string {
  const text = srt.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const cues: string[] = [];
  for (const block of text.split(/\n[ \t]*\n/)) {
    const lines = block.split('\n');
    const at = lines.findIndex((line) => timing.test(line));
    if (at < 0) continue;
    const match = timing.exec(lines[at]!)!;
    const start = vttTime(match.slice(1, 5));
    const end = vttTime(match.slice(5, 9));
    const body = lines.slice(at + 1).filter((line) => line.trim() !== '');
    cues.push(`${start} --> ${end}\n${body.map(escapeCueText).join('\n')}\n\n`);
  }
  return `WEBVTT\n\n${cues.join('')}`;
}

function vttTime([hours, minutes, seconds, fraction]: string[]): string {
  return `${hours!.padStart(2, '0')}:${minutes}:${seconds}.${fraction!.padEnd(3, '0')}`;
}

function escapeCueText(line: string): string {
  return line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
