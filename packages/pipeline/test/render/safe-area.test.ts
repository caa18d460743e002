import { getOutputProfile } from '../../src/render/output-profiles';
import { centredRect, safeArea } from '../../src/render/safe-area';

describe('safeArea', () => {
  it('keeps a 9:16 frame clear of the top bar, the bottom zone and the right button column', () => {
    const area = safeArea(getOutputProfile('9x16_1080p'));
    expect(area.zones).toEqual([
      { name: 'top bar', edge: 'top', rect: { x: 0, y: 0, width: 1080, height: 192 } },
      { name: 'bottom zone', edge: 'bottom', rect: { x: 0, y: 1536, width: 1080, height: 384 } },
      { name: 'right button column', edge: 'right', rect: { x: 929, y: 768, width: 151, height: 1152 } },
      { name: 'left title-safe margin', edge: 'left', rect: { x: 0, y: 0, width: 54, height: 1920 } },
    ]);
    expect(area.rect).toEqual({ x: 54, y: 192, width: 875, height: 1344 });
    // Centred text keeps as far from the left edge as the button column is wide.
    expect(centredRect(area, { width: 1080 })).toEqual({ x: 151, y: 192, width: 778, height: 1344 });
  });

  it('scales the zones with the frame, the 540x960 preview included', () => {
    expect(safeArea(getOutputProfile('preview')).rect).toEqual({ x: 27, y: 96, width: 437, height: 672 });
    expect(safeArea(getOutputProfile('9x16_720p')).rect).toEqual({ x: 36, y: 128, width: 583, height: 896 });
  });

  it('gives other frames, and a 9:16 frame whose template opts out, the title-safe margins only', () => {
    expect(safeArea(getOutputProfile('16x9_1080p')).rect).toEqual({ x: 96, y: 54, width: 1728, height: 972 });
    expect(safeArea(getOutputProfile('1x1_1080p')).rect).toEqual({ x: 54, y: 54, width: 972, height: 972 });
    expect(safeArea(getOutputProfile('4x5_1080p')).rect).toEqual({ x: 54, y: 68, width: 972, height: 1214 });
    const optedOut = safeArea(getOutputProfile('9x16_1080p'), { platformZones: false });
    expect(optedOut.zones.map((z) => z.name)).toEqual([
      'top title-safe margin',
      'bottom title-safe margin',
      'right title-safe margin',
      'left title-safe margin',
    ]);
    expect(optedOut.rect).toEqual({ x: 54, y: 96, width: 972, height: 1728 });
  });
});
