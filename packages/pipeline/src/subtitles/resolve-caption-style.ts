import type { CaptionStyle } from '../artifacts/artifact-types';
import type { TemplateSubtitleStyle } from './read-caption-template';

type Preset = CaptionStyle['preset'];

// Each preset's look where the template says nothing, in pixels of a 1920-high
// frame (scaled to the real height): boxed lines low in the frame, or bigger
// word-by-word captions in the middle.
const presetDefaults: Record<Preset, Omit<CaptionStyle, 'preset'>> = {
  clean_box: { font: 'Inter', size: 48, shadow: true, box: true, position: 'bottom', margin: 160, color: '#FFFFFF', highlightColor: '#FFD400' },
  karaoke_bounce: { font: 'Inter', size: 64, shadow: true, box: false, position: 'center', margin: 0, color: '#FFFFFF', highlightColor: '#FFD400' },
};

/**
 * The captions' look: the template's subtitle track style where it sets a
 * field, the node's preset for the rest. Template sizes are already pixels at
 * the output height; preset defaults are scaled to it. `bg: "box"` draws the
 * box, `bg: "none"` does not.
 */
export function resolveCaptionStyle(preset: Preset, template: TemplateSubtitleStyle | undefined, frame: { width: number; height: number }): CaptionStyle {
  const defaults = presetDefaults[preset];
  const scale = frame.height / 1920;
  return {
    preset,
    font: template?.font ?? defaults.font,
    size: template?.size ?? Math.round(defaults.size * scale),
    shadow: template?.shadow ?? defaults.shadow,
    box: template?.bg === undefined ? defaults.box : template.bg === 'box',
    position: template?.position ?? defaults.position,
    margin: template?.margin ?? Math.round(defaults.margin * scale),
    color: (template?.color ?? defaults.color).toUpperCase(),
    highlightColor: (template?.highlight_color ?? defaults.highlightColor).toUpperCase(),
  };
}
