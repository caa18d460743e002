/** `h:mm:ss.cc`, ASS's time format. */
function assTime(seconds: number): string {
  const cs = Math.round(seconds * 100);
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/**
 * Karaoke-style ASS for 1080x1920: each sentence in cues of up to five
 * words, each word lighting up (`\k`) in its share of the sentence's time.
 * Word times are spread evenly: the benchmark needs the rendering work of
 * karaoke captions, not exact alignment.
 */
export function karaokeAss(sentences: string[], sentenceSeconds: number[]): string {
  const events: string[] = [];
  let at = 0;
  sentences.forEach((sentence, i) => {
    const words = sentence.split(' ');
    const perWord = sentenceSeconds[i]! / words.length;
    for (let first = 0; first < words.length; first += 5) {
      const chunk = words.slice(first, first + 5);
      const start = at + first * perWord;
      const end = start + chunk.length * perWord;
      const text = chunk.map((w) => `{\\k${Math.round(perWord * 100)}}${w}`).join(' ');
      events.push(`Dialogue: 0,${assTime(start)},${assTime(end)},Karaoke,,0,0,0,,${text}`);
    }
    at += sentenceSeconds[i]!;
  });
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    'PlayResX: 1080',
    'PlayResY: 1920',
    'WrapStyle: 0',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    'Style: Karaoke,Inter,72,&H0000D4FF,&H00FFFFFF,&H00000000,&H96000000,1,0,0,0,100,100,0,0,1,5,3,5,80,80,0,1',
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
