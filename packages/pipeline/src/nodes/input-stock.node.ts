import { FentaError, isFentaError } from '@fenta/core';
import { editTimelineDefinition, inputStockDefinition, outputRenderDefinition, parseTemplateSpec, previewProfileName } from '@fenta/graph';
import type { z } from 'zod';
import type { Footage, FootageClip, Script } from '../artifacts/artifact-types';
import type { StockRequest } from '../providers/pipeline-providers';
import { chooseStockProvider } from '../providers/stock/choose-stock-provider';
import { frameVariable } from '../providers/stock/frame-variable';
import { outputProfiles } from '../render/output-profiles';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

/** Clips shorter than this are used only when longer ones run out. */
const defaultMinDurationSeconds = 3;

/**
 * The longest scene of the template the footage is cut to (the Edit.Timeline
 * the graph feeds it to; the longest when several), so that clips made for
 * the job are no longer than what the timeline shows of them. Undefined when
 * no timeline reads the footage or its template cannot be read (Edit.Timeline
 * reports that).
 */
async function longestScene(ctx: NodeContext): Promise<number | undefined> {
  const scenes: number[] = [];
  for (const consumer of ctx.consumers.filter((c) => c.type === editTimelineDefinition.type)) {
    const templateId = (consumer.params as { template_id?: unknown }).template_id;
    if (typeof templateId !== 'string') continue;
    try {
      scenes.push(parseTemplateSpec(templateId, (await ctx.loadTemplate(templateId)).spec).rules.max_scene);
    } catch (error) {
      if (!isFentaError(error)) throw error;
    }
  }
  return scenes.length > 0 ? Math.max(...scenes) : undefined;
}

/**
 * The frame of the preview an output node further on renders (Output.Render
 * with `preview`, or the `preview` profile itself), else undefined: the
 * footage is then fetched in a smaller rendition too, for the preview to read.
 */
function draftFrame(ctx: NodeContext): { width: number; height: number } | undefined {
  const previews = ctx.downstream.some((node) => {
    if (node.type !== outputRenderDefinition.type) return false;
    const params = node.params as { preview?: unknown; profile?: unknown };
    return params.preview === true || params.profile === previewProfileName;
  });
  if (!previews) return undefined;
  const { width, height } = outputProfiles[previewProfileName]!;
  return { width, height };
}

/**
 * `Input.Stock`: distinct footage clips for the video, from Pexels, Pixabay,
 * the org's own assets or the offline library. With a script connected each
 * beat queries its own clips, one per sentence, from the beat's search terms
 * (then `query`), and the timeline shows a beat's clips while it is spoken;
 * otherwise `count` clips for `query`. With `tags` (the assets provider
 * only) the org's assets carrying them are the footage. The frame comes from the job's `frame`
 * variable (1080x1920 unless set). When the job renders a preview, a provider
 * that offers smaller files of a clip fetches one for the preview as well.
 */
export const inputStockNode = defineNodeType<z.output<typeof inputStockDefinition.params>, { script?: Script }, Footage>({
  ...inputStockDefinition,
  async run(ctx, inputs, p) {
    const provider = chooseStockProvider(ctx, p.provider);
    const useSeconds = await longestScene(ctx);
    const draft = draftFrame(ctx);
    const base = {
      frame: frameVariable(ctx.variables),
      minDurationSeconds: p.min_duration ?? defaultMinDurationSeconds,
      ...(useSeconds === undefined ? {} : { useSeconds }),
      ...(draft ? { draftFrame: draft } : {}),
    };
    // The definition asks for a query or tags; with tags alone they name the search.
    const query = p.query ?? (p.tags ?? []).join(', ');
    const tags = p.tags ? { tags: p.tags } : {};
    const beats = inputs.script?.beats ?? [];
    if (beats.length === 0) {
      const clips = await provider.fetchClips(ctx, { ...base, ...tags, queries: [query], count: p.count, excludeIds: [] });
      ctx.progress(1);
      return footage(ctx, clips, p.count, provider.name, query);
    }
    const clips: FootageClip[] = [];
    for (const [index, beat] of beats.entries()) {
      // A clip per sentence: scenes cut where sentences start, so each can show a picture of its own.
      const count = Math.max(1, beat.sentences.length);
      const request: StockRequest = { ...base, ...tags, queries: distinct([...beat.searchTerms, query]), count, excludeIds: clips.map((c) => c.source.id) };
      try {
        clips.push(...(await provider.fetchClips(ctx, request)).map((clip) => ({ ...clip, beat: index })));
      } catch (error) {
        // One beat without footage of its own leaves the video short of a clip, not without one.
        if (!isFentaError(error) || error.code !== 'STOCK_NO_RESULTS') throw error;
        ctx.log.warn(`no clip found for beat ${index + 1}`, { queries: request.queries, provider: provider.name });
      }
      ctx.progress((index + 1) / beats.length);
    }
    return footage(
      ctx,
      clips,
      beats.reduce((sum, beat) => sum + Math.max(1, beat.sentences.length), 0),
      provider.name,
      beats.map((beat) => beat.searchTerms[0] ?? query).join(' / '),
    );
  },
});

function footage(ctx: NodeContext, clips: FootageClip[], wanted: number, provider: string, query: string): Footage {
  if (clips.length === 0) throw new FentaError('STOCK_NO_RESULTS', { query, provider });
  if (clips.length < wanted) ctx.log.warn(`found ${clips.length} of ${wanted} clips`, { provider });
  const drafts = clips.filter((clip) => clip.draft).length;
  ctx.log.info(`stored ${clips.length} clips from ${provider}${drafts > 0 ? `, ${drafts} with a smaller file for the preview` : ''}`, {
    ids: clips.map((clip) => clip.source.id),
  });
  return { kind: 'footage', clips };
}

function distinct(terms: string[]): string[] {
  const seen = new Set<string>();
  return terms.map((term) => term.trim()).filter((term) => term && !seen.has(term.toLowerCase()) && seen.add(term.toLowerCase()));
}
