/** A rectangle of the frame, in pixels. */
export interface FrameRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A part of the frame that something other than the video is drawn over, or that a screen may cut off. */
export interface FrameZone {
  /** How the job log names it: `top bar`, `bottom zone`, `right button column`, or a title-safe margin. */
  name: string;
  /** The frame edge it lies along. */
  edge: 'top' | 'bottom' | 'left' | 'right';
  rect: FrameRect;
}

/** Where captions and overlays may be drawn in a frame: the zones to keep clear, and the rectangle inside them. */
export interface SafeArea {
  zones: FrameZone[];
  /** The frame minus every zone's depth from its edge. */
  rect: FrameRect;
}

/**
 * The app chrome TikTok, Instagram Reels and YouTube Shorts draw over a 9:16
 * video, as fractions of the frame: the union of what the three publish for
 * organic posts (TikTok Creative Center, Meta's Reels guidance, YouTube's
 * Shorts layout), rounded up. Top: the Following/For You tabs, the Shorts
 * search bar, the Reels camera and title (about 8–10 %). Bottom: the account
 * name, description, sound and progress bar (about 20 %). Right: the like,
 * comment, share and sound column, from about 40 % of the height down
 * (12–15 % of the width). Meta's ad guidance (top 14 %, bottom 35 %) is
 * stricter; it clears call-to-action buttons only ads show.
 */
const verticalPlatformZones = { top: 0.1, bottom: 0.2, rightButtonsWidth: 0.14, rightButtonsFrom: 0.4 } as const;

/** Broadcast title safe: text kept 5 % in from each edge reads on any screen, however it is cropped or rounded. */
const titleSafe = 0.05;

/** Whether a frame is 9:16 (1080x1920, 720x1280, the 540x960 preview): the frames the vertical-video apps draw over. */
export function isVerticalVideoFrame(frame: { width: number; height: number }): boolean {
  return Math.abs(frame.width / frame.height - 9 / 16) < 0.01;
}

/**
 * The safe area of a frame. A 9:16 frame has the platforms' zones (top bar,
 * bottom zone, right button column) besides the title-safe margins; any
 * other frame, or one whose template opted out (`platformZones: false`), has
 * the title-safe margins only.
 */
export function safeArea(frame: { width: number; height: number }, options: { platformZones?: boolean } = {}): SafeArea {
  const { width, height } = frame;
  const margin = (fraction: number, of: number) => Math.round(of * fraction);
  const side = margin(titleSafe, width);
  const zones: FrameZone[] = [];
  if ((options.platformZones ?? true) && isVerticalVideoFrame(frame)) {
    const top = margin(verticalPlatformZones.top, height);
    const bottom = margin(verticalPlatformZones.bottom, height);
    const buttons = margin(verticalPlatformZones.rightButtonsWidth, width);
    const buttonsFrom = margin(verticalPlatformZones.rightButtonsFrom, height);
    zones.push(
      { name: 'top bar', edge: 'top', rect: { x: 0, y: 0, width, height: top } },
      { name: 'bottom zone', edge: 'bottom', rect: { x: 0, y: height - bottom, width, height: bottom } },
      { name: 'right button column', edge: 'right', rect: { x: width - buttons, y: buttonsFrom, width: buttons, height: height - buttonsFrom } },
      { name: 'left title-safe margin', edge: 'left', rect: { x: 0, y: 0, width: side, height } },
    );
  } else {
    const topBottom = margin(titleSafe, height);
    zones.push(
      { name: 'top title-safe margin', edge: 'top', rect: { x: 0, y: 0, width, height: topBottom } },
      { name: 'bottom title-safe margin', edge: 'bottom', rect: { x: 0, y: height - topBottom, width, height: topBottom } },
      { name: 'right title-safe margin', edge: 'right', rect: { x: width - side, y: 0, width: side, height } },
      { name: 'left title-safe margin', edge: 'left', rect: { x: 0, y: 0, width: side, height } },
    );
  }
  const depth = (edge: FrameZone['edge']) =>
    Math.max(0, ...zones.filter((z) => z.edge === edge).map((z) => (edge === 'top' || edge === 'bottom' ? z.rect.height : z.rect.width)));
  const rect = { x: depth('left'), y: depth('top'), width: width - depth('left') - depth('right'), height: height - depth('top') - depth('bottom') };
  return { zones, rect };
}

/** The zone along an edge of the frame. */
export function zoneAt(area: SafeArea, edge: FrameZone['edge']): FrameZone {
  return area.zones.find((z) => z.edge === edge)!;
}

/**
 * The safe rectangle narrowed to be symmetric about the frame's middle, for
 * text and images centred in the frame: centred text stays centred, and
 * clears the right button column as well as the left margin.
 */
export function centredRect(area: SafeArea, frame: { width: number }): FrameRect {
  const inset = Math.max(area.rect.x, frame.width - area.rect.x - area.rect.width);
  return { x: inset, y: area.rect.y, width: frame.width - 2 * inset, height: area.rect.height };
}
