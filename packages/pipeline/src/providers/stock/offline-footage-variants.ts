/** The size, rate and length a variant is drawn at. */
export interface OfflineClipShape {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/** One look of the offline library: an ffmpeg source with motion, as a filter chain (no label, no pixel format). */
export interface OfflineFootageVariant {
  /** Stable id: the clip's `source.id` and part of its cache key. */
  id: string;
  filter(shape: OfflineClipShape): string;
}

const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);
const size = (width: number, height: number) => `${even(width)}x${even(height)}`;

// Coarse automata look like noise at full resolution: draw them small and
// scale up with hard pixel edges.
const blocky = (shape: OfflineClipShape, cell: number, source: (s: string) => string) =>
  `${source(size(shape.width / cell, shape.height / cell))},scale=${shape.width}:${shape.height}:flags=neighbor`;

// Static patterns get a slow pan across a larger canvas so no clip is a still.
const panned = (shape: OfflineClipShape, source: (s: string) => string, direction: 'x' | 'y') => {
  const wide = direction === 'x';
  const canvas = size(shape.width * (wide ? 1.5 : 1), shape.height * (wide ? 1 : 1.5));
  const x = wide ? `(iw-ow)*t/${shape.seconds}` : '(iw-ow)/2';
  const y = wide ? '(ih-oh)/2' : `(ih-oh)*t/${shape.seconds}`;
  return `${source(canvas)},crop=w=${shape.width}:h=${shape.height}:x='${x}':y='${y}'`;
};

/**
 * The library, in its default order. Every entry is a different picture
 * (fractals, automata, gradients, test patterns), so a video made from it
 * never shows the same look twice.
 */
export const offlineFootageVariants: readonly OfflineFootageVariant[] = [
  {
    id: 'mandelbrot',
    filter: (s) => `mandelbrot=s=${size(s.width, s.height)}:r=${s.fps}:maxiter=200:start_scale=3:end_scale=0.3,hue=h=t*10`,
  },
  {
    id: 'life-teal',
    filter: (s) => blocky(s, 6, (sz) => `life=s=${sz}:r=${s.fps}:mold=10:ratio=0.12:seed=7:life_color=#4ecdc4:death_color=#1a535c:mold_color=#0b2027`),
  },
  { id: 'testsrc2', filter: (s) => `testsrc2=s=${size(s.width, s.height)}:r=${s.fps},hue=h=t*20` },
  {
    id: 'cellauto-110',
    filter: (s) => `${blocky(s, 4, (sz) => `cellauto=s=${sz}:r=${s.fps}:rule=110:scroll=1:seed=3`)},colorchannelmixer=rr=1:gg=0.4:bb=0.2`,
  },
  {
    id: 'gradients-coral',
    filter: (s) => `gradients=s=${size(s.width, s.height)}:r=${s.fps}:c0=#ff6b6b:c1=#4ecdc4:c2=#1a535c:n=3:speed=0.03:seed=11`,
  },
  { id: 'smptehdbars', filter: (s) => panned(s, (sz) => `smptehdbars=s=${sz}:r=${s.fps}`, 'x') },
  { id: 'sierpinski-carpet', filter: (s) => `sierpinski=s=${size(s.width, s.height)}:r=${s.fps}:type=carpet:seed=5:jump=50,hue=h=t*15` },
  { id: 'colorspectrum', filter: (s) => panned(s, (sz) => `colorspectrum=s=${sz}:r=${s.fps}:type=all`, 'x') },
  {
    id: 'mandelbrot-seahorse',
    filter: (s) =>
      `mandelbrot=s=${size(s.width, s.height)}:r=${s.fps}:maxiter=300:start_x=-0.743643887037151:start_y=0.13182590420533:start_scale=0.6:end_scale=0.01,hue=h=120+t*8`,
  },
  {
    id: 'life-amber',
    filter: (s) => blocky(s, 5, (sz) => `life=s=${sz}:r=${s.fps}:mold=25:ratio=0.2:seed=42:life_color=#ffb400:death_color=#6b2d00:mold_color=#1c0b00`),
  },
  {
    id: 'cellauto-30',
    filter: (s) => `${blocky(s, 3, (sz) => `cellauto=s=${sz}:r=${s.fps}:rule=30:scroll=1:seed=9`)},colorchannelmixer=rr=0.2:gg=0.5:bb=1`,
  },
  {
    id: 'gradients-sunset',
    filter: (s) => `gradients=s=${size(s.width, s.height)}:r=${s.fps}:c0=#ff9a00:c1=#ff3d77:c2=#5b2a86:c3=#1b1b3a:n=4:type=radial:speed=0.02:seed=5`,
  },
  { id: 'sierpinski-triangle', filter: (s) => `sierpinski=s=${size(s.width, s.height)}:r=${s.fps}:type=triangle:seed=8:jump=80,hue=h=200+t*12` },
  { id: 'rgbtestsrc', filter: (s) => panned(s, (sz) => `rgbtestsrc=s=${sz}:r=${s.fps},hue=h=t*30`, 'y') },
  { id: 'yuvtestsrc', filter: (s) => panned(s, (sz) => `yuvtestsrc=s=${sz}:r=${s.fps},hue=h=t*25`, 'x') },
  { id: 'colorspectrum-dusk', filter: (s) => panned(s, (sz) => `colorspectrum=s=${sz}:r=${s.fps}:type=black,hue=h=t*20`, 'y') },
  {
    id: 'gradients-ocean',
    filter: (s) => `gradients=s=${size(s.width, s.height)}:r=${s.fps}:c0=#03045e:c1=#0077b6:c2=#00b4d8:c3=#caf0f8:n=4:type=spiral:speed=0.015:seed=2`,
  },
  {
    id: 'life-violet',
    filter: (s) => blocky(s, 8, (sz) => `life=s=${sz}:r=${s.fps}:mold=5:ratio=0.3:seed=99:life_color=#c77dff:death_color=#3c096c:mold_color=#10002b`),
  },
  {
    id: 'cellauto-90',
    filter: (s) => `${blocky(s, 4, (sz) => `cellauto=s=${sz}:r=${s.fps}:rule=90:scroll=1:start_full=0`)},colorchannelmixer=rr=0.3:gg=1:bb=0.5`,
  },
  { id: 'smptebars', filter: (s) => panned(s, (sz) => `smptebars=s=${sz}:r=${s.fps},hue=h=t*15`, 'y') },
];
