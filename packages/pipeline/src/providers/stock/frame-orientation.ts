/** Portrait, landscape or square: how stock APIs name the shape of a frame. */
export type Orientation = 'portrait' | 'landscape' | 'square';

/** The orientation of a frame or a file. */
export function frameOrientation(size: { width: number; height: number }): Orientation {
  if (size.height > size.width) return 'portrait';
  if (size.width > size.height) return 'landscape';
  return 'square';
}
