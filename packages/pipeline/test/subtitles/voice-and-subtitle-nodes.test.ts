import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FentaError } from '@fenta/core';
import { builtInTemplates } from '@fenta/db';
import type { Captions, Script, Speech } from '../../src/artifacts/artifact-types';
import { subtitleAutoNode } from '../../src/nodes/subtitle-auto.node';
import { voiceTtsNode } from '../../src/nodes/voice-tts.node';
import type { Transcriber } from '../../src/providers/pipeline-providers';
import { EspeakSpeechSynthesizer } from '../../src/providers/tts/espeak-speech-synthesizer';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';

const script: Script = {
  kind: 'script',
  title: 'Daily News',
  lang: 'en',
  beats: [
    { text: 'Breaking news from the city tonight.', sentences: ['Breaking news from the city tonight.'], searchTerms: ['city night'] },
    {
      text: 'Crowds gathered at the old station, waiting for the last train. Nobody expected what happened next!',
      sentences: ['Crowds gathered at the old station, waiting for the last train.', 'Nobody expected what happened next!'],
      searchTerms: ['train station'],
    },
  ],
  hashtags: ['#news'],
};

const templates = builtInTemplates.map(({ id, name, aspect, resolution, spec }) => ({ id, name, aspect, resolution, spec }));

function srtCues(srt: string): Array<{ start: string; end: string; text: string }> {
  return srt
    .trim()
    .split('\n\n')
    .map((block) => {
      const [, times = '', ...lines] = block.split('\n');
      const [start = '', end = ''] = times.split(' --> ');
      return { start, end, text: lines.join('\n') };
    });
}

describe('Voice.TTS then Subtitle.Auto, with espeak-ng', () => {
  const espeak = new EspeakSpeechSynthesizer();
  const contexts: NodeTestContext[] = [];
  const context = async (options: Parameters<typeof createNodeTestContext>[0]) => {
    const created = await createNodeTestContext(options);
    contexts.push(created);
    return created;
  };
  let voice: NodeTestContext;
  let speech: Speech;

  beforeAll(async () => {
    voice = await context({ providers: testProviders({ tts: { espeak } }), nodeId: 'n3' });
    const params = voiceTtsNode.params.parse({ voice: 'alloy_en', speed: 1.02, provider: 'openai' });
    speech = await voiceTtsNode.run(voice.ctx, { script }, params);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.cleanup()));
  });

  it('speaks the script with espeak-ng, says in the log that it ran instead of openai, and stores voice.wav', async () => {
    expect(voice.record.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'espeak-ng ran instead of openai: openai is not configured (no API key)',
    ]);
    expect(speech.provider).toBe('espeak-ng');
    expect(speech.voice).toBe('alloy_en');
    expect(speech.audio).toEqual({ key: 'orgs/org_test/jobs/job_test/n3/voice.wav', contentType: 'audio/wav', bytes: expect.any(Number) });
    expect(await voice.storage.stat(speech.audio.key)).toEqual({ key: speech.audio.key, contentType: 'audio/wav', bytes: speech.audio.bytes });
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=duration',
      '-of',
      'csv=p=0',
      voice.storage.localPath(speech.audio.key)!,
    ]);
    expect(Number(stdout)).toBeCloseTo(speech.durationSeconds, 3);
    expect(speech.sentences.map((s) => [s.beat, s.text])).toEqual([
      [0, 'Breaking news from the city tonight.'],
      [1, 'Crowds gathered at the old station, waiting for the last train.'],
      [1, 'Nobody expected what happened next!'],
    ]);
    expect(speech.script).toBe(script);
    expect(voice.record.progress[voice.record.progress.length - 1]).toBe(1);
  });

  it('writes SRT, VTT and ASS captions for the sample template, cued from the first sentence', async () => {
    const subtitle = await context({ providers: testProviders({ tts: { espeak } }), templates, nodeId: 'n4' });
    const captions: Captions = await subtitleAutoNode.run(
      subtitle.ctx,
      { speech },
      subtitleAutoNode.params.parse({ style: 'clean_box', template_id: 'tmpl_shorts_v1' }),
    );

    expect(captions.frame).toEqual({ width: 1080, height: 1920 });
    expect(captions.style).toMatchObject({ font: 'Inter', size: 88, box: true, position: 'bottom', margin: 420 });
    expect([captions.srt.key, captions.vtt.key, captions.ass.key]).toEqual([
      'orgs/org_test/jobs/job_test/n4/captions.srt',
      'orgs/org_test/jobs/job_test/n4/captions.vtt',
      'orgs/org_test/jobs/job_test/n4/captions.ass',
    ]);
    const srt = (await subtitle.storage.getBytes(captions.srt.key)).toString('utf8');
    const vtt = (await subtitle.storage.getBytes(captions.vtt.key)).toString('utf8');
    const ass = (await subtitle.storage.getBytes(captions.ass.key)).toString('utf8');
    const cues = srtCues(srt);
    expect(cues).toHaveLength(captions.cues.length);
    expect(cues[0]!.start).toBe('00:00:00,000');
    expect(captions.cues[0]!.start).toBe(speech.sentences[0]!.start);
    expect(cues.map((c) => c.text)).toEqual(captions.cues.map((c) => c.lines.join('\n')));
    expect(vtt.startsWith('WEBVTT\n\n00:00:00.000 --> ')).toBe(true);
    expect(ass).toContain('\nStyle: Caption,Inter,88,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,3,22,5,2,151,151,420,1\n');
    expect(ass.split('\n').filter((l) => l.startsWith('Dialogue: '))).toHaveLength(captions.cues.length);
    // Every word of the narration is captioned once, in order.
    expect(captions.cues.flatMap((c) => c.words.map((w) => w.word))).toEqual(speech.sentences.flatMap((s) => s.words.map((w) => w.word)));
    expect(subtitle.record.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it("warns when a template's margin would draw its captions in the bottom zone, and draws them above it; not when the template opts out", async () => {
    const sample = templates.find((t) => t.id === 'tmpl_shorts_v1')!;
    const low = (id: string, more: Record<string, unknown>) => {
      const spec = structuredClone(sample.spec) as { tracks: Array<{ style?: Record<string, unknown> }> };
      spec.tracks[1]!.style!.margin = 120;
      return { ...sample, id, spec: { ...spec, ...more } };
    };
    const subtitle = await context({ templates: [low('tmpl_low', {}), low('tmpl_low_full_frame', { safe_area: false })], nodeId: 'n4' });
    const run = async (templateId: string) => {
      const captions = await subtitleAutoNode.run(subtitle.ctx, { speech }, subtitleAutoNode.params.parse({ style: 'clean_box', template_id: templateId }));
      return (await subtitle.storage.getBytes(captions.ass.key)).toString('utf8').match(/^Style: .*$/m)![0];
    };

    // 384 px of bottom zone, the box's 22 px padding under the line and its 5 px shadow: 411 px from the bottom.
    expect(await run('tmpl_low')).toBe('Style: Caption,Inter,88,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,3,22,5,2,151,151,411,1');
    expect(subtitle.record.logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message:
          "template tmpl_low: the subtitle style's margin of 120 px puts bottom captions in the bottom zone (384 px of a 1920 px frame); they are drawn 411 px from the bottom edge instead (safe_area: false keeps the margin)",
        data: { template: 'tmpl_low', element: 'spec.tracks[1].style.margin', zone: 'bottom zone', margin: 120, drawnAt: 411 },
      },
    ]);
    subtitle.record.logs.length = 0;
    // Opted out: the margin as written, and the sides only title-safe (5 % of 1080).
    expect(await run('tmpl_low_full_frame')).toBe(
      'Style: Caption,Inter,88,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,3,22,5,2,54,54,120,1',
    );
    expect(subtitle.record.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('writes captions for every built-in template with no warning about the safe area', async () => {
    for (const template of templates) {
      const subtitle = await context({ templates, nodeId: 'n4' });
      for (const style of template.spec.subtitle_style_presets as string[]) {
        await subtitleAutoNode.run(subtitle.ctx, { speech }, subtitleAutoNode.params.parse({ style, template_id: template.id }));
      }
      expect(subtitle.record.logs.filter((l) => l.level === 'warn')).toEqual([]);
    }
  });

  it('uses the transcriber for word timings when asked and configured', async () => {
    const heard = speech.sentences.flatMap((s) => s.words.map((w) => ({ word: w.word.replace(/[^\w']/g, ''), start: w.start + 0.01, end: w.end })));
    const transcriber: Transcriber = { name: 'openai', transcribe: async () => ({ text: script.beats.map((b) => b.text).join(' '), words: heard }) };
    const subtitle = await context({ providers: testProviders({ tts: { espeak }, transcription: transcriber }), nodeId: 'n4' });
    const captions = await subtitleAutoNode.run(subtitle.ctx, { speech }, subtitleAutoNode.params.parse({ style: 'karaoke_bounce', transcribe: true }));
    const words = captions.cues.flatMap((c) => c.words);
    expect(words.map((w) => w.start)).toEqual(heard.map((w) => w.start));
    expect(words.map((w) => w.word)).toEqual(speech.sentences.flatMap((s) => s.words.map((w) => w.word)));
    expect(captions.style).toMatchObject({ preset: 'karaoke_bounce', size: 64, position: 'center', box: false });
  });

  it('fails with PROVIDER_UNAVAILABLE in strict mode when openai is asked for and not configured', async () => {
    const strict = await context({ providers: testProviders({ strict: true, tts: { espeak } }) });
    await expect(voiceTtsNode.run(strict.ctx, { script }, voiceTtsNode.params.parse({ provider: 'openai' }))).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      params: { provider: 'openai' },
    });
    expect(strict.record.logs).toEqual([]);
  });

  it('refuses an empty script with NODE_INPUT_INVALID, and with VOICE_LANGUAGE_UNSUPPORTED a language or a voice espeak-ng cannot speak it in', async () => {
    const empty = await context({ providers: testProviders({ tts: { espeak } }) });
    const silent: Script = { ...script, beats: [{ text: ' ', sentences: [' ', '...'], searchTerms: [] }] };
    await expect(voiceTtsNode.run(empty.ctx, { script: silent }, voiceTtsNode.params.parse({}))).rejects.toMatchObject({ code: 'NODE_INPUT_INVALID' });
    await expect(voiceTtsNode.run(empty.ctx, { script: { ...script, lang: 'tlh' } }, voiceTtsNode.params.parse({ voice: 'alloy' }))).rejects.toThrow(
      new FentaError('VOICE_LANGUAGE_UNSUPPORTED', { voice: '"alloy"', provider: 'espeak-ng', lang: '"tlh"', voices: 'none' }),
    );
    // An English voice for a Japanese script: refused before anything is spoken, with the voice that can.
    await expect(voiceTtsNode.run(empty.ctx, { script: { ...script, lang: 'ja' } }, voiceTtsNode.params.parse({ voice: 'alloy_en' }))).rejects.toThrow(
      new FentaError('VOICE_LANGUAGE_UNSUPPORTED', { voice: '"alloy_en"', provider: 'espeak-ng', lang: '"ja"', voices: 'ja' }),
    );
    expect(empty.record.usage).toEqual([]);
  });

  it('validates params: speed within 0.5–2, a known style', () => {
    expect(voiceTtsNode.params.parse({})).toEqual({ voice: 'alloy', speed: 1 });
    expect(voiceTtsNode.params.safeParse({ speed: 2.5 }).success).toBe(false);
    expect(subtitleAutoNode.params.parse({})).toEqual({ style: 'clean_box', transcribe: false });
    expect(subtitleAutoNode.params.safeParse({ style: 'neon' }).success).toBe(false);
  });
});
