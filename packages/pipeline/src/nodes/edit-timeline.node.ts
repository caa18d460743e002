import { FentaError } from '@fenta/core';
import { editTimelineDefinition, outputProfileNames, parseTemplateSpec, type TemplateSpec } from '@fenta/graph';
import type { z } from 'zod';
import type { Captions, Footage } from '../artifacts/artifact-types';
import { getOutputProfile } from '../render/output-profiles';
import type { PlaceholderMedia } from '../timeline/build-overlays';
import { buildTimeline } from '../timeline/build-timeline';
import { overlaysOutsideSafeArea } from '../timeline/overlays-outside-safe-area';
import { templateFrame, templateProfileName } from '../timeline/template-profile';
import type { Timeline } from '../timeline/timeline-ir';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

const type = editTimelineDefinition.type;

/** Job variables that fill a template's media placeholders, each a storage key. */
const placeholderVariables = ['music', 'logo', 'cover'] as const;

/**
 * The job's placeholder media from its variables. They are storage keys
 * chosen by the caller, so only keys of the job's own org are accepted (a key
 * of another org would read that org's files) and they must exist.
 */
async function placeholdersFrom(ctx: NodeContext): Promise<PlaceholderMedia> {
  const media: PlaceholderMedia = {};
  for (const name of placeholderVariables) {
    const value = ctx.variables[name];
    if (value === undefined || value === null || value === '') continue;
    const invalid = (reason: string) => new FentaError('NODE_INPUT_INVALID', { node: ctx.nodeId, type, reason: `variable "${name}" ${reason}` });
    if (typeof value !== 'string') throw invalid('must be a storage key (a string)');
    if (!value.startsWith(`orgs/${ctx.orgId}/`)) throw invalid(`names a storage key outside this org: ${value}`);
    if (!(await ctx.storage.stat(value))) throw invalid(`names a storage key with nothing stored: ${value}`);
    media[name] = value;
  }
  return media;
}

/** What became of the job's cover: the org reads in the job log why it is, or is not, in the video. */
function logCover(ctx: NodeContext, mode: TemplateSpec['cover'], timeline: Timeline): void {
  const data = { cover: ctx.variables.cover, mode: mode.mode, thumbnailAt: timeline.thumbnailAt };
  if (!timeline.cover) {
    ctx.log.info('the template shows no cover (cover mode "none"): the cover is not in the video', data);
    return;
  }
  const frames = Math.round(timeline.cover.end * timeline.profile.fps);
  const what = mode.mode === 'intro' ? `as an intro card for the first ${timeline.cover.end} s` : `as the first ${frames} frames (the poster)`;
  ctx.log.info(`cover placed ${what}, under the captions and overlays`, { ...data, seconds: timeline.cover.end, frames });
}

/** `Edit.Timeline`: footage and captions cut to a template's rules into the timeline `Output.Render` compiles. */
export const editTimelineNode = defineNodeType<z.output<typeof editTimelineDefinition.params>, { footage: Footage; captions: Captions }, Timeline>({
  ...editTimelineDefinition,
  async run(ctx, inputs, p) {
    const template = await ctx.loadTemplate(p.template_id);
    const spec = parseTemplateSpec(template.id, template.spec);
    const profile = getOutputProfile(p.profile ?? templateProfileName(template, outputProfileNames), { node: ctx.nodeId, type });
    const frame = inputs.captions.frame;
    if (Math.abs(frame.width / frame.height - profile.width / profile.height) > 0.01) {
      ctx.log.warn('captions were laid out for another aspect ratio; libass will stretch them', { captions: frame, profile: profile.name });
    }
    const placeholders = await placeholdersFrom(ctx);
    for (const outside of overlaysOutsideSafeArea(template.id, spec, profile)) ctx.log.warn(outside.message, outside.data);
    const built = buildTimeline({
      footage: inputs.footage,
      captions: inputs.captions,
      spec,
      profile,
      templateFrame: templateFrame(template),
      placeholders,
      nodeId: ctx.nodeId,
      // The half-second tail after the last word gives way to the profile's limit: a 60 s narration still makes a 60 s Short.
      ...(profile.maxDurationSeconds !== undefined && inputs.captions.speech.durationSeconds <= profile.maxDurationSeconds
        ? { tailSeconds: Math.min(0.5, profile.maxDurationSeconds - inputs.captions.speech.durationSeconds) }
        : {}),
    });
    const timeline: Timeline = spec.safe_area === false ? { ...built, safeArea: false } : built;
    if (profile.maxDurationSeconds !== undefined && timeline.durationSeconds > profile.maxDurationSeconds) {
      // Found here, before minutes of rendering a video the platform would refuse.
      throw new FentaError('TIMELINE_TOO_LONG', { seconds: timeline.durationSeconds.toFixed(2), profile: profile.name, limit: profile.maxDurationSeconds });
    }
    if (placeholders.cover) logCover(ctx, spec.cover, timeline);
    const sources = new Set(timeline.clips.map((c) => c.source));
    ctx.log.info('timeline built', {
      template: template.id,
      profile: profile.name,
      durationSeconds: timeline.durationSeconds,
      pieces: timeline.clips.length,
      distinctClips: sources.size,
      overlays: timeline.overlays.length,
      music: Boolean(timeline.audio.music),
    });
    if (timeline.clips.length > sources.size) {
      const missing = timeline.clips.length - sources.size;
      ctx.log.warn(
        `not enough footage for every scene: ${missing} more ${missing === 1 ? 'clip was' : 'clips were'} needed, so some clips are shown twice (from other in-points)`,
        { clips: inputs.footage.clips.length, pieces: timeline.clips.length, missing },
      );
    }
    ctx.progress(1);
    return timeline;
  },
});
