/** A template every org can use: public, owned by no org. */
export interface BuiltInTemplate {
  id: string;
  name: string;
  description: string;
  aspect: '9:16' | '16:9' | '1:1' | '4:5';
  resolution: string;
  spec: Record<string, unknown>;
}

const standardPlaceholders = { cover: 'image', logo: 'image_optional', music: 'audio_optional' };
// The cover as the first frames: the poster platforms show, without hiding a second of footage.
const posterCover = { mode: 'first_frame', seconds: 0.1 };
const speechCuts = { cuts: 'auto_by_beats_or_speech', min_scene: 1.2, max_scene: 4.0 };

/**
 * The templates `./fenta up` installs. The first is the sample template of Fenta's data specification.
 * Caption sizes keep capital letters at least 2.5 % of the frame height (an
 * Inter capital is about 0.59 of the ASS size), readable on a phone; bottom
 * margins keep the caption's box above the safe area's bottom edge (the
 * bottom zone of a 9:16 frame, the title-safe margin of the others).
 */
export const builtInTemplates: BuiltInTemplate[] = [
  {
    id: 'tmpl_shorts_v1',
    name: 'Shorts Clean Bold',
    description: 'Vertical short: full-bleed footage, bold boxed captions near the bottom, a headline that slides down for the first 3 seconds.',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'subtitle', id: 'subs', z: 10, style: { font: 'Inter', size: 88, shadow: true, bg: 'box', position: 'bottom', margin: 420 } },
        { type: 'overlay', id: 'top_text', z: 20 },
      ],
      overlays: [{ track: 'top_text', from: 0, to: 3, content: { type: 'text', text: 'BREAKING STORY', pos: 'top', anim: 'slide-down' } }],
      placeholders: standardPlaceholders,
      // The headline lands on the cover card: the opening second is the cover with the headline on it.
      cover: { mode: 'intro', seconds: 1.0 },
      rules: speechCuts,
      subtitle_style_presets: ['karaoke_bounce', 'clean_box'],
    },
  },
  {
    id: 'tmpl_karaoke_v1',
    name: 'Shorts Karaoke Center',
    description: 'Vertical short with word-by-word karaoke captions in the middle of the frame.',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'subtitle', id: 'subs', z: 10, style: { font: 'Inter', size: 96, shadow: true, bg: 'none', position: 'center', margin: 0 } },
      ],
      overlays: [],
      placeholders: standardPlaceholders,
      cover: posterCover,
      rules: { cuts: 'auto_by_beats_or_speech', min_scene: 1.0, max_scene: 3.0 },
      subtitle_style_presets: ['karaoke_bounce'],
    },
  },
  {
    id: 'tmpl_landscape_v1',
    name: 'Landscape Explainer',
    description: 'Horizontal 16:9 video with boxed captions, for YouTube and the web.',
    aspect: '16:9',
    resolution: '1920x1080',
    spec: {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'subtitle', id: 'subs', z: 10, style: { font: 'Inter', size: 50, shadow: true, bg: 'box', position: 'bottom', margin: 80 } },
      ],
      overlays: [],
      placeholders: standardPlaceholders,
      cover: posterCover,
      rules: { cuts: 'auto_by_beats_or_speech', min_scene: 2.0, max_scene: 6.0 },
      subtitle_style_presets: ['clean_box'],
    },
  },
  {
    id: 'tmpl_square_v1',
    name: 'Square Feed',
    description: 'Square 1:1 video for feeds, with captions in a box and room for a logo.',
    aspect: '1:1',
    resolution: '1080x1080',
    spec: {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'subtitle', id: 'subs', z: 10, style: { font: 'Inter', size: 50, shadow: true, bg: 'box', position: 'bottom', margin: 80 } },
      ],
      overlays: [],
      placeholders: standardPlaceholders,
      cover: posterCover,
      rules: speechCuts,
      subtitle_style_presets: ['clean_box', 'karaoke_bounce'],
    },
  },
];
