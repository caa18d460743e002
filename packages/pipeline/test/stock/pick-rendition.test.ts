import { pickRendition } from '../../src/providers/stock/pick-rendition';

const file = (width: number, height: number) => ({ url: `https://files.example/${width}x${height}.mp4`, width, height });
const sizeOf = (picked: { width: number; height: number } | undefined) => picked && `${picked.width}x${picked.height}`;

describe('pickRendition', () => {
  const mixed = [file(3840, 2160), file(1080, 1920), file(720, 1280), file(640, 360)];

  it.each([
    ['1080x1920 from 4K, 1080x1920, 720x1280, 640x360', mixed, { width: 1080, height: 1920 }, '1080x1920'],
    ['720x1280 from the same set', mixed, { width: 720, height: 1280 }, '720x1280'],
    ['the smallest portrait file that covers a 540x960 frame', mixed, { width: 540, height: 960 }, '720x1280'],
    ['the larger portrait file when none covers the frame', [file(720, 1280), file(360, 640)], { width: 1080, height: 1920 }, '720x1280'],
    ['a portrait file over a larger landscape one', [file(3840, 2160), file(2160, 3840)], { width: 1080, height: 1920 }, '2160x3840'],
    [
      'the landscape file that covers a portrait frame when only landscape exist',
      [file(1280, 720), file(3840, 2160), file(1920, 1080)],
      { width: 1080, height: 1920 },
      '3840x2160',
    ],
    [
      'the largest landscape file when none covers the portrait frame',
      [file(1280, 720), file(1920, 1080), file(640, 360)],
      { width: 1080, height: 1920 },
      '1920x1080',
    ],
    ['1920x1080 for a landscape frame', [file(3840, 2160), file(1920, 1080), file(1280, 720), file(1080, 1920)], { width: 1920, height: 1080 }, '1920x1080'],
    [
      'the square file that fits a square frame',
      [file(2160, 2160), file(1920, 1080), file(1080, 1080), file(720, 720)],
      { width: 1080, height: 1080 },
      '1080x1080',
    ],
  ])('%s', (_name, renditions, frame, expected) => {
    expect(sizeOf(pickRendition(renditions, frame))).toBe(expected);
  });

  it('ignores files without a link or a size and returns undefined when none is left', () => {
    expect(
      pickRendition(
        [
          { url: '', width: 1080, height: 1920 },
          { url: 'https://x/y.mp4', width: 0, height: 0 },
        ],
        { width: 1080, height: 1920 },
      ),
    ).toBeUndefined();
  });
});
