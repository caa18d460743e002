import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { subtitleAutoDefinition } from '@fenta/graph';
import type { z } from 'zod';
import type { Captions, SentenceTiming, Speech } from '../artifacts/artifact-types';
import { writeAss } from '../subtitles/ass-writer';
import { buildCaptionCues } from '../subtitles/build-caption-cues';
import { loadCaptionFonts } from '../subtitles/caption-fonts';
import { safeArea, zoneAt } from '../render/safe-area';
import { captionGeometry } from '../subtitles/caption-geometry';
import { readCaptionTemplate, type TemplateSubtitleStyle } from '../subtitles/read-caption-template';
import { resolveCaptionStyle } from '../subtitles/resolve-caption-style';
import { retimeFromTranscript } from '../subtitles/retime-from-transcript';
import { writeSrt } from '../subtitles/srt-writer';
import { writeVtt } from '../subtitles/vtt-writer';
import { joinWords } from '../text/join-words';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

const type = subtitleAutoDefinition.type;

export type SubtitleAutoParams = z.output<typeof subtitleAutoDefinition.params>;

const defaultFrame = { width: 1080, height: 1920 };
// Lines are measured from font metrics, which match libass within a few pixels; 2% keeps that off the safe area's edge.
const widthSafety = 1.02;

/** `Subtitle.Auto`: lays the narration's words out as caption cues for the frame and writes them as SRT, WebVTT and a styled ASS script. */
export const subtitleAutoNode = defineNodeType<SubtitleAutoParams, { speech: Speech }, Captions>({
  ...subtitleAutoDefinition,
  async run(ctx, { speech }, params) {
    if (speech?.kind !== 'speech' || !Array.isArray(speech.sentences)) {
      throw new FentaError('NODE_INPUT_INVALID', { node: ctx.nodeId, type, reason: 'the input is not speech' });
    }
    let frame = defaultFrame;
    let templateStyle: TemplateSubtitleStyle | undefined;
    let stylePath: string | undefined;
    let platformZones = true;
    // Without its own template_id the node follows the job's template (the one its Edit.Timeline uses).
    const templateId = params.template_id ?? (typeof ctx.variables.template_id === 'string' ? ctx.variables.template_id : undefined);
    if (templateId) {
      const template = readCaptionTemplate(await ctx.loadTemplate(templateId));
      frame = template.frame;
      templateStyle = template.style;
      stylePath = template.stylePath;
      platformZones = template.safeArea;
      if (template.presets.length > 0 && !template.presets.includes(params.style)) {
        ctx.log.warn(`template ${templateId} does not list the ${params.style} preset; using it anyway`, { presets: template.presets });
      }
    }
    const style = resolveCaptionStyle(params.style, templateStyle, frame);
    const sentences = await wordTimings(ctx, speech, params.transcribe);
    ctx.progress(0.3);

    const fonts = await loadCaptionFonts(
      style.font,
      sentences.flatMap((s) => s.words.map((w) => w.word)),
      ctx.signal,
    );
    if (fonts.resolvedFamily !== style.font) ctx.log.warn(`font ${style.font} is not installed; captions are drawn with ${fonts.resolvedFamily}`);
    if (fonts.fallbacks.size > 0)
      ctx.log.info('characters the caption font lacks are drawn with fallback fonts', { fallbacks: Object.fromEntries(fonts.fallbacks) });
    if (fonts.missing.length > 0) ctx.log.warn('no installed font has some caption characters', { characters: fonts.missing.join('') });

    const geometry = captionGeometry(frame, style, { platformZones });
    // A margin the template sets that would draw its captions into the zone along their edge is raised out of it (see captionGeometry).
    if (templateStyle?.margin !== undefined && geometry.marginV > templateStyle.margin) {
      const zone = zoneAt(safeArea(frame, { platformZones }), style.position === 'top' ? 'top' : 'bottom');
      ctx.log.warn(
        `template ${templateId}: the subtitle style's margin of ${templateStyle.margin} px puts ${style.position} captions in the ${zone.name} (${zone.rect.height} px of a ${frame.height} px frame); they are drawn ${geometry.marginV} px from the ${zone.edge} edge instead (safe_area: false keeps the margin)`,
        { template: templateId, element: `${stylePath}.margin`, zone: zone.name, margin: templateStyle.margin, drawnAt: geometry.marginV },
      );
    }
    const lineWidth = (words: string[]) => {
      // The karaoke bounce briefly widens the line by the growth of its widest word.
      const bounce = (geometry.bounceScale - 1) * Math.max(0, ...words.map((w) => fonts.width(w, style.size)));
      return (fonts.width(joinWords(words), style.size) + bounce) * widthSafety;
    };
    const cues = buildCaptionCues(sentences, {
      maxLineWidth: geometry.maxLineWidth,
      maxCharsPerLine: params.max_chars_per_line ?? 42,
      maxLines: 2,
      maxCueSeconds: 3,
      lineWidth,
    });
    ctx.progress(0.6);

    const save = async (name: string, text: string, contentType: string) => {
      const file = path.join(ctx.tempDir, name);
      await writeFile(file, text, 'utf8');
      return ctx.saveArtifact(name, file, contentType);
    };
    const srt = await save('captions.srt', writeSrt(cues), 'application/x-subrip');
    const vtt = await save('captions.vtt', writeVtt(cues), 'text/vtt');
    const ass = await save('captions.ass', writeAss({ cues, style, frame, geometry, fontRuns: (text) => fonts.runs(text), lineWidth }), 'text/x-ssa');
    ctx.log.info('captions written', { cues: cues.length, preset: style.preset, font: style.font, frame: `${frame.width}x${frame.height}` });
    ctx.progress(1);
    return { kind: 'captions', speech, cues, style, frame, srt, vtt, ass };
  },
});

/** The speech's own word timings, or those a transcription hears when asked for and configured. */
async function wordTimings(ctx: NodeContext, speech: Speech, transcribe: boolean): Promise<SentenceTiming[]> {
  if (!transcribe) return speech.sentences;
  const transcriber = ctx.providers.transcription;
  if (!transcriber) {
    if (ctx.providers.strict) {
      throw new FentaError('PROVIDER_UNAVAILABLE', {
        provider: 'transcription',
        reason: 'no transcription provider is configured, and strict mode allows no substitute',
      });
    }
    ctx.log.warn(`word timings from ${speech.provider} are used instead of a transcription: no transcription provider is configured`);
    return speech.sentences;
  }
  const heard = await transcriber.transcribe(await ctx.localFile(speech.audio), {
    lang: speech.lang,
    signal: ctx.signal,
    // Recorded as soon as it answers: an answer without word timings is billed too.
    onBilled: (usage) => ctx.recordUsage({ resource: 'transcription_minutes', minutes: usage.seconds / 60, model: usage.model }),
  });
  ctx.log.info(`word timings from ${transcriber.name} transcription`, { words: heard.words.length });
  return retimeFromTranscript(speech.sentences, heard.words, speech.durationSeconds);
}
