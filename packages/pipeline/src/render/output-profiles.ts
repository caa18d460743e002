import { FentaError } from '@fenta/core';
import { outputProfileNames, previewProfileName, x264Presets, type OutputAspect } from '@fenta/graph';
import type { OutputProfile } from '../timeline/timeline-ir';

export { outputProfileNames, previewProfileName, x264Presets, type X264Preset } from '@fenta/graph';

const frameSizes: Record<OutputAspect, { full: readonly [number, number]; hd: readonly [number, number] }> = {
  '9x16': { full: [1080, 1920], hd: [720, 1280] },
  '16x9': { full: [1920, 1080], hd: [1280, 720] },
  '1x1': { full: [1080, 1080], hd: [720, 720] },
  '4x5': { full: [1080, 1350], hd: [720, 900] },
};

// A 9:16 video is published as a Short, a Reel or a TikTok: Shorts take at most 60 s.
const maxDurationSeconds: Partial<Record<OutputAspect, number>> = { '9x16': 60 };

// Caps sized so a busy 30 fps frame still gets crf-level quality while the
// file stays under what TikTok/Reels/Shorts accept without a hard re-encode.
const maxBitrateKbps = { full: 8000, hd: 5000 } as const;

function profile(aspect: keyof typeof frameSizes, tier: 'full' | 'hd'): OutputProfile {
  const [width, height] = frameSizes[aspect][tier];
  return {
    name: `${aspect}_${tier === 'full' ? '1080p' : '720p'}`,
    width,
    height,
    fps: 30,
    crf: 20,
    preset: 'veryfast',
    maxBitrateKbps: maxBitrateKbps[tier],
    audioBitrateKbps: 160,
    audioSampleRate: 48_000,
    ...(maxDurationSeconds[aspect] === undefined ? {} : { maxDurationSeconds: maxDurationSeconds[aspect] }),
  };
}

/**
 * A draft to look at while the real render runs: a quarter of 1080p's pixels,
 * x264's fastest preset, 24 fps (a fifth fewer frames to filter and encode;
 * motion still reads) and a crf a platform would not take, decoded and
 * scaled the cheap way (see OutputProfile.draft). Never published, so no
 * platform's length applies.
 */
const previewProfile: OutputProfile = {
  name: previewProfileName,
  width: 540,
  height: 960,
  fps: 24,
  crf: 28,
  preset: 'ultrafast',
  maxBitrateKbps: 1500,
  audioBitrateKbps: 96,
  audioSampleRate: 48_000,
  draft: true,
};

/** Every output profile by name (`9x16_1080p`, `9x16_720p`, …, `preview`): one per name params may choose. */
export const outputProfiles: Readonly<Record<string, OutputProfile>> = Object.freeze(
  Object.fromEntries(
    [...(Object.keys(frameSizes) as OutputAspect[]).flatMap((aspect) => [profile(aspect, 'full'), profile(aspect, 'hd')]), previewProfile].map((p) => [
      p.name,
      Object.freeze(p),
    ]),
  ),
);

/**
 * The named profile, optionally with another x264 preset. An unknown name or
 * preset is a bad param (NODE_PARAM_INVALID) whose message lists the valid values.
 */
export function getOutputProfile(name: string, options: { preset?: string; node?: string; type?: string } = {}): OutputProfile {
  const where = { node: options.node ?? '-', type: options.type ?? 'Output.Render' };
  const found = outputProfiles[name];
  if (!found) {
    throw new FentaError(
      'NODE_PARAM_INVALID',
      { ...where, path: 'profile', reason: `unknown profile "${name}"; valid profiles: ${outputProfileNames.join(', ')}` },
      { details: { validProfiles: outputProfileNames } },
    );
  }
  if (options.preset === undefined) return { ...found };
  if (!(x264Presets as readonly string[]).includes(options.preset)) {
    throw new FentaError(
      'NODE_PARAM_INVALID',
      { ...where, path: 'preset', reason: `unknown x264 preset "${options.preset}"; valid presets: ${x264Presets.join(', ')}` },
      { details: { validPresets: x264Presets } },
    );
  }
  return { ...found, preset: options.preset };
}
