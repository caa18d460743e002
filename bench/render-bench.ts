/**
 * Render benchmark: a fixed 30 s 1080x1920 timeline (5 clips, karaoke ASS
 * subtitles, a sliding headline, voice and ducked music) rendered,
 * with its thumbnail, through Fenta's path (mixAudio, compileTimeline +
 * runFfmpeg, as Output.Render runs it) and through a single ffmpeg command written by hand
 * for the same outputs (its headline drawn with drawtext), alternately, in the same run. Prints both medians of
 * wall and CPU time, their ratios (fenta/ffmpeg) and Fenta's realtime
 * factor. Each run also renders the same timeline for the `preview` profile
 * (retargeted as Output.Render does, encoding the soundtrack the full render
 * mixed), once from the clips' 540x960 draft renditions (what Input.Stock
 * downloads for a preview) and once from the full-size clips; their medians
 * over Fenta's full render are the preview's share of the wait. It ends with one line:
 * `fenta_s=… ffmpeg_s=… ratio=… realtime=… fenta_cpu_s=… ffmpeg_cpu_s=… cpu_ratio=… preview_s=… preview_ratio=… preview_fullsize_s=… preview_fullsize_ratio=…`.
 *
 *   node -r ./test/register-ts.cjs bench/render-bench.ts [--runs 3] [--preset veryfast]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { compileTimeline } from '../packages/pipeline/src/render/compile-ffmpeg';
import { mixAudio } from '../packages/pipeline/src/render/mix-audio';
import { getOutputProfile } from '../packages/pipeline/src/render/output-profiles';
import { writeTextOverlays } from '../packages/pipeline/src/render/write-text-overlays';
import { matchBoldFontFace } from '../packages/pipeline/src/subtitles/font-fallback';
import { runFfmpeg } from '../packages/pipeline/src/render/run-ffmpeg';
import { retargetTimeline } from '../packages/pipeline/src/timeline/retarget-timeline';
import type { Timeline } from '../packages/pipeline/src/timeline/timeline-ir';
import { handWrittenCommand } from './hand-written-command';
import { karaokeAss } from './karaoke-ass';

const exec = promisify(execFile);

export interface RenderBenchOptions {
  /** Renders of each kind; they run in pairs, which of the two goes first alternating from pair to pair. Default 3. */
  runs?: number;
  /** x264 preset for both; default the profile's (`veryfast`). */
  preset?: string;
  /** Where progress lines go; default stdout. */
  log?: (line: string) => void;
}

export interface RenderBenchResult {
  /** Median wall seconds of Fenta's compile + run. */
  fentaSeconds: number;
  /** Median wall seconds of the hand-written command. */
  ffmpegSeconds: number;
  /** fentaSeconds / ffmpegSeconds. */
  ratio: number;
  /** Seconds of video per wall second, Fenta's path. */
  realtime: number;
  /** Median CPU seconds (user + system) of Fenta's ffmpeg, and of the hand-written one. */
  fentaCpuSeconds: number;
  ffmpegCpuSeconds: number;
  /** fentaCpuSeconds / ffmpegCpuSeconds. */
  cpuRatio: number;
  /** Median wall seconds of the same timeline rendered for the `preview` profile, from the clips' draft renditions. */
  previewSeconds: number;
  /** previewSeconds / fentaSeconds: the preview's share of the full render's time (aim: at most 0.2). */
  previewRatio: number;
  /** Median wall seconds of the preview read from the full-size clips (footage without draft renditions). */
  previewFullSizeSeconds: number;
  /** previewFullSizeSeconds / fentaSeconds. */
  previewFullSizeRatio: number;
}

const durationSeconds = 30;

/** Narration of about 28 s, one file per sentence so sentence times are known exactly. */
const narration = [
  'Breaking news from the city center tonight.',
  'Every streetlight in town now runs on solar power.',
  'The panels charge during the day and the lamps glow all night.',
  'The council says the change will save two million dollars a year.',
  'Residents say the streets feel brighter and safer than before.',
  'Other cities are already asking how to do the same.',
];

/**
 * Stand-ins for stock footage: 1080x1920 at 30 fps (the portrait files Fenta
 * asks Pexels for), moving, with detail (fractal zooms, test patterns,
 * gradients) but not random noise, which no camera produces and which would
 * make the run all about x264 encoding noise. Each also comes as a 540x960
 * draft rendition, as Pexels serves a clip's smaller files.
 */
const clipSources = [
  'testsrc2=s=1080x1920:r=30',
  'mandelbrot=s=1080x1920:r=30',
  'gradients=s=1080x1920:r=30:speed=0.05',
  'mandelbrot=s=1080x1920:r=30:start_x=-0.743643887037151:start_y=0.131825904205330:start_scale=0.5:end_scale=0.001',
  'gradients=s=1080x1920:r=30:speed=0.08:c0=0x203060:c1=0xE0A040:c2=0x40A080:n=3:type=radial',
];

async function ffmpeg(args: string[]): Promise<void> {
  await exec('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

async function probeDuration(file: string): Promise<number> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** `1080x1920` for an image or video. */
async function probeSize(file: string): Promise<string> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0:s=x', file]);
  return stdout.trim();
}

/**
 * CPU seconds of this process's finished children (user + system): Linux adds
 * a child's times to its parent's `cutime`/`cstime` when the child is reaped.
 * Much steadier than wall time on a busy machine.
 */
async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

/** Wall and CPU seconds of one render. */
async function timed(render: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu = await childCpuSeconds();
  const started = performance.now();
  await render();
  return { wall: (performance.now() - started) / 1000, cpu: (await childCpuSeconds()) - cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Makes the inputs (not timed): clips, voice with its sentence times, music, the karaoke ASS. */
async function makeInputs(dir: string): Promise<Record<string, string>> {
  const file = (name: string) => path.join(dir, name);
  await Promise.all(
    clipSources.map((source, i) =>
      ffmpeg(['-f', 'lavfi', '-i', source, '-t', '8', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', file(`clip-${i}.mp4`)]),
    ),
  );
  await Promise.all(
    clipSources.map((_, i) =>
      ffmpeg(['-i', file(`clip-${i}.mp4`), '-vf', 'scale=540:960', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', file(`clip-${i}-draft.mp4`)]),
    ),
  );
  await Promise.all(narration.map((text, i) => exec('espeak-ng', ['-v', 'en', '-w', file(`sentence-${i}.wav`), text])));
  const sentenceSeconds = await Promise.all(narration.map((_, i) => probeDuration(file(`sentence-${i}.wav`))));
  await ffmpeg([
    ...narration.flatMap((_, i) => ['-i', file(`sentence-${i}.wav`)]),
    '-filter_complex',
    `${narration.map((_, i) => `[${i}]`).join('')}concat=n=${narration.length}:v=0:a=1`,
    file('voice.wav'),
  ]);
  const tone = (f: number) => ['-f', 'lavfi', '-i', `sine=f=${f}:d=10:sample_rate=48000`];
  await ffmpeg([
    ...tone(220),
    ...tone(277.18),
    ...tone(329.63),
    '-filter_complex',
    '[0][1][2]amix=inputs=3:normalize=0,volume=0.25',
    '-ac',
    '2',
    file('music.wav'),
  ]);
  await writeFile(file('subs.ass'), karaokeAss(narration, sentenceSeconds));
  return {
    ...Object.fromEntries(
      clipSources.flatMap((_, i) => [
        [`clip-${i}`, file(`clip-${i}.mp4`)],
        [`clip-${i}-draft`, file(`clip-${i}-draft.mp4`)],
      ]),
    ),
    voice: file('voice.wav'),
    music: file('music.wav'),
    subs: file('subs.ass'),
  };
}

/** The fixed timeline: five 6 s pieces, each from 1 s into its clip, which has a draft rendition. */
function benchTimeline(preset: string | undefined): Timeline {
  return {
    kind: 'timeline',
    profile: getOutputProfile('9x16_1080p', preset ? { preset } : {}),
    durationSeconds,
    clips: clipSources.map((_, i) => ({ source: `clip-${i}`, draftSource: `clip-${i}-draft`, inPoint: 1, start: i * 6, end: (i + 1) * 6 })),
    overlays: [
      {
        kind: 'text',
        text: 'BREAKING STORY',
        start: 0,
        end: 3,
        position: 'top',
        animation: 'slide-down',
        font: 'Inter:bold',
        size: 76,
        color: '#FFFFFF',
        box: true,
        z: 20,
      },
    ],
    subtitles: { source: 'subs', z: 10 },
    audio: { voice: { source: 'voice', gainDb: 0 }, music: { source: 'music', gainDb: -12, duck: true }, loudnessLufs: -14 },
    thumbnailAt: 3,
  };
}

/** Runs the benchmark and returns the medians; temp files are removed whatever happens. */
export async function runRenderBench(options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const runs = options.runs ?? 3;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = await mkdtemp(path.join(tmpdir(), 'fenta-render-bench-'));
  try {
    log('making inputs (5 clips 1080x1920 and their 540x960 drafts, espeak-ng narration, music, karaoke ASS)…');
    const inputs = await makeInputs(dir);
    const timeline = benchTimeline(options.preset);
    const fentaOut = path.join(dir, 'fenta.mp4');
    const handOut = path.join(dir, 'ffmpeg.mp4');
    const fentaThumbnail = path.join(dir, 'fenta.jpg');
    const handThumbnail = path.join(dir, 'ffmpeg.jpg');
    const hand = handWrittenCommand({
      'clip-0': inputs['clip-0']!,
      'clip-1': inputs['clip-1']!,
      'clip-2': inputs['clip-2']!,
      'clip-3': inputs['clip-3']!,
      'clip-4': inputs['clip-4']!,
      voice: inputs.voice!,
      music: inputs.music!,
      subs: inputs.subs!,
      output: handOut,
      thumbnail: handThumbnail,
      preset: timeline.profile.preset,
      fontFile: (await matchBoldFontFace('Inter', new AbortController().signal)).file,
    });
    const times = {
      fenta: [] as number[],
      ffmpeg: [] as number[],
      fentaCpu: [] as number[],
      ffmpegCpu: [] as number[],
      preview: [] as number[],
      previewFullSize: [] as number[],
    };
    // Timed as Output.Render does it: compile, then run with progress parsing.
    // The full render mixes the soundtrack; the preview, a further output of the same node, encodes that mix.
    let audio = '';
    const renderTimeline = (what: Timeline, output: string, thumbnail: string, mix: boolean) =>
      timed(async () => {
        if (mix) audio = (await mixAudio(what, { inputs, dir })).file;
        // Written before each render: the preview's overlays are laid out for its own frame.
        const text = await writeTextOverlays(what, { dir, signal: new AbortController().signal });
        const { args } = compileTimeline(what, { inputs, audio, output, thumbnail, textOverlayFiles: text.files });
        await runFfmpeg(args, { durationSeconds, onProgress: () => undefined });
      });
    const renderFenta = () => renderTimeline(timeline, fentaOut, fentaThumbnail, true);
    const preview = retargetTimeline(timeline, getOutputProfile('preview'));
    const previewOut = path.join(dir, 'preview.mp4');
    const renderPreview = () => renderTimeline(preview, previewOut, path.join(dir, 'preview.jpg'), false);
    // The same preview of footage that has no draft renditions (the offline library, an org's assets).
    const fullSize = retargetTimeline({ ...timeline, clips: timeline.clips.map(({ draftSource: _, ...clip }) => clip) }, getOutputProfile('preview'));
    const renderPreviewFullSize = () => renderTimeline(fullSize, path.join(dir, 'preview-full.mp4'), path.join(dir, 'preview-full.jpg'), false);
    const renderHand = () => timed(() => runFfmpeg(hand));
    const pairRatios: number[] = [];
    for (let run = 1; run <= runs; run += 1) {
      // Which goes first alternates, so a machine that gets busier or quieter during a pair favours neither.
      const fentaFirst = run % 2 === 1;
      const first = await (fentaFirst ? renderFenta() : renderHand());
      const second = await (fentaFirst ? renderHand() : renderFenta());
      const [fenta, handRun] = fentaFirst ? [first, second] : [second, first];
      times.fenta.push(fenta.wall);
      times.fentaCpu.push(fenta.cpu);
      times.ffmpeg.push(handRun.wall);
      times.ffmpegCpu.push(handRun.cpu);
      pairRatios.push(fenta.cpu / handRun.cpu);
      const previewRun = await renderPreview();
      times.preview.push(previewRun.wall);
      const fullSizeRun = await renderPreviewFullSize();
      times.previewFullSize.push(fullSizeRun.wall);
      log(
        `run ${run}/${runs}: fenta ${fenta.wall.toFixed(2)} s (cpu ${fenta.cpu.toFixed(1)} s), hand-written ffmpeg ${handRun.wall.toFixed(2)} s (cpu ${handRun.cpu.toFixed(1)} s), ` +
          `cpu ratio ${(fenta.cpu / handRun.cpu).toFixed(3)}${fentaFirst ? '' : ' (hand-written first)'}, ` +
          `preview ${previewRun.wall.toFixed(2)} s (cpu ${previewRun.cpu.toFixed(1)} s), from the full-size clips ${fullSizeRun.wall.toFixed(2)} s (cpu ${fullSizeRun.cpu.toFixed(1)} s)`,
      );
    }
    const [fentaDuration, handDuration, fentaStill, handStill, previewDuration, previewSize] = await Promise.all([
      probeDuration(fentaOut),
      probeDuration(handOut),
      probeSize(fentaThumbnail),
      probeSize(handThumbnail),
      probeDuration(previewOut),
      probeSize(previewOut),
    ]);
    log(
      `outputs: fenta ${fentaDuration} s and a ${fentaStill} thumbnail, hand-written ${handDuration} s and a ${handStill} thumbnail (preset ${timeline.profile.preset}); ` +
        `preview ${previewSize}, ${previewDuration} s (preset ${preview.profile.preset}, ${preview.profile.fps} fps)`,
    );
    const fentaSeconds = median(times.fenta);
    const ffmpegSeconds = median(times.ffmpeg);
    const fentaCpuSeconds = median(times.fentaCpu);
    const ffmpegCpuSeconds = median(times.ffmpegCpu);
    const previewSeconds = median(times.preview);
    const previewFullSizeSeconds = median(times.previewFullSize);
    const result = {
      fentaSeconds,
      ffmpegSeconds,
      ratio: fentaSeconds / ffmpegSeconds,
      realtime: durationSeconds / fentaSeconds,
      fentaCpuSeconds,
      ffmpegCpuSeconds,
      cpuRatio: fentaCpuSeconds / ffmpegCpuSeconds,
      previewSeconds,
      previewRatio: previewSeconds / fentaSeconds,
      previewFullSizeSeconds,
      previewFullSizeRatio: previewFullSizeSeconds / fentaSeconds,
    };
    log(`median fenta ${fentaSeconds.toFixed(2)} s, median hand-written ffmpeg ${ffmpegSeconds.toFixed(2)} s`);
    log(`ratio ${result.ratio.toFixed(3)} (aim: at most 1.15), realtime ${result.realtime.toFixed(2)}x`);
    log(
      `cpu medians: fenta ${fentaCpuSeconds.toFixed(1)} s, hand-written ${ffmpegCpuSeconds.toFixed(1)} s, ratio ${result.cpuRatio.toFixed(3)} (aim: at most 1.05)`,
    );
    // The spread of the pairs' own ratios is how noisy the machine was during the run.
    log(`cpu ratio of each pair: median ${median(pairRatios).toFixed(3)}, from ${Math.min(...pairRatios).toFixed(3)} to ${Math.max(...pairRatios).toFixed(3)}`);
    log(`median preview ${previewSeconds.toFixed(2)} s, ${result.previewRatio.toFixed(3)} of fenta's full render (aim: at most 0.2)`);
    log(`median preview from the full-size clips ${previewFullSizeSeconds.toFixed(2)} s, ${result.previewFullSizeRatio.toFixed(3)} of fenta's full render`);
    log(
      `fenta_s=${fentaSeconds.toFixed(2)} ffmpeg_s=${ffmpegSeconds.toFixed(2)} ratio=${result.ratio.toFixed(3)} realtime=${result.realtime.toFixed(2)} ` +
        `fenta_cpu_s=${fentaCpuSeconds.toFixed(1)} ffmpeg_cpu_s=${ffmpegCpuSeconds.toFixed(1)} cpu_ratio=${result.cpuRatio.toFixed(3)} ` +
        `preview_s=${previewSeconds.toFixed(2)} preview_ratio=${result.previewRatio.toFixed(3)} ` +
        `preview_fullsize_s=${previewFullSizeSeconds.toFixed(2)} preview_fullsize_ratio=${result.previewFullSizeRatio.toFixed(3)}`,
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (require.main === module) {
  const runs = argValue('--runs');
  runRenderBench({ runs: runs ? Number(runs) : undefined, preset: argValue('--preset') }).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
