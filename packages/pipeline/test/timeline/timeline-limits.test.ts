import { commandLineBytes, compileTimeline } from '../../src/render/compile-ffmpeg';
import { getOutputProfile } from '../../src/render/output-profiles';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { plannedCommandLineBytes } from '../../src/timeline/check-timeline-limits';
import { parseTemplateSpec } from '@fenta/graph';
import type { Timeline, TimelineOverlay } from '../../src/timeline/timeline-ir';
import { timelineLimits } from '../../src/timeline/timeline-limits';
import { sampleCaptions, sampleFootage, sentence } from './sample-inputs';

const profile = getOutputProfile('9x16_1080p');
/** Cuts every half second: the shortest scenes a template may ask for. */
const choppy = parseTemplateSpec('tmpl_choppy', { tracks: [{ type: 'video', id: 'main', z: 0 }], rules: { min_scene: 0.2, max_scene: 0.5 } });
const footage = sampleFootage(Array.from({ length: 10 }, () => 120));

/** A timeline for one sentence of speech lasting `seconds` (the video adds a 0.5 s tail). */
const timelineFor = (seconds: number, cues = sampleCaptions([], 0).cues) => {
  const captions = { ...sampleCaptions([sentence('A long take.', 0, 0, seconds)], seconds), cues };
  return buildTimeline({ footage, captions, spec: choppy, profile, nodeId: 'n5' });
};

function refusal(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    const e = error as { code: string; message: string; details: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
  throw new Error('it was accepted');
}

describe('the render limits, at Edit.Timeline', () => {
  it('takes 120 pieces of footage and refuses 121, naming the limit', () => {
    expect(timelineFor(59.5).clips).toHaveLength(120);
    expect(refusal(() => timelineFor(60))).toEqual({
      code: 'TIMELINE_TOO_LARGE',
      message:
        "The timeline exceeds the render limit on pieces of footage: 121 pieces of footage; one render takes at most 120 (longer scenes, from the template's min_scene and max_scene, make fewer)",
      details: { limit: 'clips', value: 121, max: 120 },
    });
  });

  it('refuses a caption cue longer than 200 characters', () => {
    const cue = (text: string) => ({ start: 0, end: 1, lines: [text], words: [{ word: text, start: 0, end: 1 }] });
    expect(timelineFor(5, [cue('\u{1F31E}'.repeat(200))]).clips.length).toBeGreaterThan(0);
    expect(refusal(() => timelineFor(5, [cue('ok'), cue('x'.repeat(201))]))).toEqual({
      code: 'TIMELINE_TOO_LARGE',
      message: 'The timeline exceeds the render limit on text characters: caption cue 2 has 201 characters; at most 200',
      details: { limit: 'textCharacters', value: 201, max: 200 },
    });
  });
});

describe('the ffmpeg command line', () => {
  /** As large as the other limits let a timeline be: every count at its cap, every text the longest and worst to escape. */
  const largest: Timeline = {
    kind: 'timeline',
    profile,
    durationSeconds: 180.5,
    clips: Array.from({ length: timelineLimits.clips }, (_, i) => ({
      source: `clip-${i}`,
      inPoint: 123.456789,
      start: i * 1.5,
      end: (i + 1) * 1.5 + 0.033333,
    })),
    overlays: [
      ...Array.from({ length: timelineLimits.templateOverlays }, (): TimelineOverlay => ({
        // A quote costs four bytes once escaped twice, as much as the longest UTF-8 character.
        kind: 'text',
        text: "'".repeat(timelineLimits.textCharacters),
        start: 100.033333,
        end: 170.066667,
        position: 'bottom',
        animation: 'slide-up',
        font: 'F'.repeat(timelineLimits.fontNameCharacters),
        size: 400,
        color: '#FFFFFF',
        box: false,
        z: 999,
      })),
      { kind: 'image', source: 'logo', start: 0, end: 180.5, position: 'bottom-right', animation: 'fade', widthFraction: 0.18, z: 1000 },
    ],
    subtitles: { source: 'subs', z: 10 },
    audio: { voice: { source: 'voice', gainDb: -3 }, music: { source: 'music', gainDb: -12, duck: true }, loudnessLufs: -14 },
    thumbnailAt: 90,
  };

  it('stays under its cap for the largest timeline the other limits allow, with media paths of 256 bytes', () => {
    const bytes = plannedCommandLineBytes(largest);
    expect(bytes).toBeLessThanOrEqual(timelineLimits.ffmpegArgumentBytes);
    // Headroom is what lets a real path be longer now and then; the documented figure is about 70 KiB.
    expect(Math.round(bytes / 1024)).toBe(70);
  });

  it('keeps the filter graph, one argument, under the 128 KiB Linux allows one argument', () => {
    const path = `/${'x'.repeat(255)}`;
    const everyKey = new Proxy<Record<string, string>>({}, { get: () => path });
    const { args } = compileTimeline(largest, { inputs: everyKey, audio: path, output: path, thumbnail: path, textOverlayFiles: everyKey });
    expect(commandLineBytes([args[args.indexOf('-filter_complex') + 1]!])).toBeLessThan(128 * 1024);
  });

  it('is refused at render when the real paths make it longer than the cap', () => {
    const path = `/${'x'.repeat(999)}`;
    const everyKey = new Proxy<Record<string, string>>({}, { get: () => path });
    const failure = refusal(() => compileTimeline(largest, { inputs: everyKey, audio: path, output: path, textOverlayFiles: everyKey }));
    expect(failure).toMatchObject({ code: 'TIMELINE_TOO_LARGE', details: { limit: 'ffmpegArgumentBytes', max: 128 * 1024 } });
    expect((failure as { message: string }).message).toMatch(
      /^The timeline exceeds the render limit on ffmpeg arguments: the ffmpeg command line would be \d+ bytes; it may be at most 131072$/,
    );
  });
});
