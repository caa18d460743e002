import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { escapeFilterValue } from '../../src/render/escape-filter-value';
import { getOutputProfile } from '../../src/render/output-profiles';
import { resolveFontFiles } from '../../src/render/resolve-font-files';
import { textOverlayFilter } from '../../src/render/text-overlay-filter';
import type { TextOverlay } from '../../src/timeline/timeline-ir';

const run = promisify(execFile);
const profile = getOutputProfile('9x16_720p');
const overlay = (text: string): TextOverlay => ({
  kind: 'text',
  text,
  start: 0,
  end: 2,
  position: 'center',
  animation: 'none',
  font: 'Inter:bold',
  size: 40,
  color: '#FFFFFF',
  box: true,
  z: 1,
});

/** Template headlines that try to close the option, the filter or the graph, or to expand. */
const hostile = [
  "it's: a [test], of; everything",
  "'; drawtext=text=owned:fontsize=400 [x]",
  String.raw`\\\:\'::''\,`,
  '%{pts} %{eif:1/0:d} %%',
  'ends in a backslash \\',
  '  two spaces before, one after ',
];

let dir: string;
let fontFile: string;

/** The MD5 of the frame at 1 s with the graph's drawtext over black. */
async function frameMd5(drawtext: string): Promise<string> {
  const { stdout } = await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=black:s=720x1280:r=10:d=2',
    '-filter_complex',
    `[0:v]${drawtext},trim=start_frame=10:end_frame=11[out]`,
    '-map',
    '[out]',
    '-f',
    'md5',
    '-',
  ]);
  return stdout.trim();
}

/** The same drawtext with the text read from a file: drawtext takes a file's bytes as they are. */
async function fromFile(text: string, name: string): Promise<string> {
  const file = path.join(dir, `${name}.txt`);
  await writeFile(file, text);
  const placeholder = textOverlayFilter(overlay('PLACEHOLDER'), profile, fontFile);
  return placeholder.replace(':text=PLACEHOLDER:', `:textfile=${escapeFilterValue(file)}:`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-drawtext-'));
  fontFile = (await resolveFontFiles(['Inter:bold']))['Inter:bold']!;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a text overlay drawn by drawtext', () => {
  it.each(hostile.map((text, i) => [text, i]))('draws %j exactly as the same text read from a file', async (text, i) => {
    const filter = textOverlayFilter(overlay(text as string), profile, fontFile);
    expect(await frameMd5(filter)).toBe(await frameMd5(await fromFile(text as string, `text-${i}`)));
  });

  it('draws line breaks and other control characters as spaces, on one line', async () => {
    const filter = textOverlayFilter(overlay('BREAKING\nNEWS\r\n\ttoday\u0000'), profile, fontFile);
    expect(await frameMd5(filter)).toBe(await frameMd5(await fromFile('BREAKING NEWS today ', 'controls')));
  });
});
