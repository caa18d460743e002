import type { FootageClip } from '../artifacts/artifact-types';
import type { TimelineClip } from './timeline-ir';
import { toFrame, type Scene } from './plan-scenes';

// Reported durations are container durations; the last frames are not always
// decodable after an input-side seek, so a little is kept unused at the end.
const endMarginSeconds = 0.1;

interface ClipState {
  clip: FootageClip;
  index: number;
  /** Order of the last use, -1 while unused. */
  lastUse: number;
  /** The source seconds used so far run up to here. */
  usedUntil: number;
  inPoints: number[];
}

function usable(clip: FootageClip): number {
  return Math.max(0, clip.durationSeconds - endMarginSeconds);
}

/**
 * Places footage on the scenes: each scene gets the next clip not used yet,
 * from its start: first one found for the beat the scene speaks (when
 * `Input.Stock` searched beat by beat), else the next in the order `Input.Stock`
 * delivered them. When a clip is
 * shorter than its scene, the scene continues with the next clip. Only when
 * every clip has been used does a clip come back: the least recently used one,
 * from an in-point it has not shown yet (where its last piece ended, or else
 * its end or middle) when it is long enough to have one.
 * Upstream asks for enough distinct clips that this stays the exception.
 */
export function assignClips(scenes: Scene[], clips: FootageClip[], fps: number): TimelineClip[] {
  const frame = 1 / fps;
  const states: ClipState[] = clips
    .map((clip, index) => ({ clip, index, lastUse: -1, usedUntil: 0, inPoints: [] as number[] }))
    .filter((s) => usable(s.clip) >= frame);
  if (states.length === 0) return [];
  const placed: TimelineClip[] = [];
  let uses = 0;
  for (const scene of scenes) {
    let at = scene.start;
    while (scene.end - at >= frame / 2) {
      const state = pickClip(states, scene.beat);
      const need = scene.end - at;
      const inPoint = chooseInPoint(state, need, fps);
      const available = Math.floor((usable(state.clip) - inPoint) * fps + 1e-6) / fps;
      const length = Math.min(need, available);
      const end = length === need ? scene.end : toFrame(at + length, fps);
      placed.push({ source: state.clip.file.key, inPoint, start: at, end, ...(state.clip.draft ? { draftSource: state.clip.draft.file.key } : {}) });
      state.lastUse = uses;
      uses += 1;
      state.usedUntil = Math.max(state.usedUntil, inPoint + (end - at));
      state.inPoints.push(inPoint);
      at = end;
    }
  }
  return placed;
}

function pickClip(states: ClipState[], beat: number): ClipState {
  const unused = states.find((s) => s.lastUse === -1 && s.clip.beat === beat) ?? states.find((s) => s.lastUse === -1);
  if (unused) return unused;
  return states.reduce((best, s) => (s.lastUse < best.lastUse ? s : best));
}

function chooseInPoint(state: ClipState, need: number, fps: number): number {
  if (state.lastUse === -1) return 0;
  const latest = Math.max(0, usable(state.clip) - need);
  const candidates = [state.usedUntil, latest, latest / 2, 0].map((t) => Math.floor(Math.min(Math.max(t, 0), latest) * fps + 1e-6) / fps);
  const fresh = candidates.find((t) => state.inPoints.every((used) => Math.abs(used - t) >= 1 / fps));
  return fresh ?? candidates[0]!;
}
