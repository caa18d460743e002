import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { outputRenderNode } from '../../src/nodes/output-render.node';
import { getOutputProfile } from '../../src/render/output-profiles';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { ffmpeg, makeClip } from './render-fixtures';

const job = 'orgs/org_test/jobs/job_test';

/** Processes whose command line mentions `text` (read from /proc, as `ps` would). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(text))) found.push(Number(pid));
  }
  return found;
}

let nt: NodeTestContext;

beforeAll(async () => {
  nt = await createNodeTestContext({ nodeId: 'n6' });
  const clip = path.join(nt.root, 'clip.mp4');
  const voice = path.join(nt.root, 'voice.wav');
  await Promise.all([
    makeClip(clip, 'testsrc2', 30, '320x180'),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '30', voice]),
  ]);
  await nt.storage.putFile(`${job}/n1/clip.mp4`, clip, { contentType: 'video/mp4' });
  await nt.storage.putFile(`${job}/n3/voice.wav`, voice, { contentType: 'audio/wav' });
}, 30_000);

afterAll(async () => {
  await nt?.cleanup();
});

describe('Output.Render cancelled mid-render', () => {
  it('kills ffmpeg at once, rejects with an AbortError and stores nothing', async () => {
    // 30 s at 1080p: several seconds of work on any machine, so the abort lands mid-render.
    const timeline: Timeline = {
      kind: 'timeline',
      profile: getOutputProfile('9x16_1080p'),
      durationSeconds: 30,
      clips: [{ source: `${job}/n1/clip.mp4`, inPoint: 0, start: 0, end: 30 }],
      overlays: [],
      audio: { voice: { source: `${job}/n3/voice.wav`, gainDb: 0 }, loudnessLufs: -14 },
      srt: undefined,
      thumbnailAt: 1,
    };
    const output = path.join(nt.ctx.tempDir, 'video.mp4');
    let runningAtAbort: number[] = [];
    let progressAtAbort = 0;
    let progressAfterAbort: number | undefined;
    let abortedAt = 0;
    const progress = nt.ctx.progress;
    nt.ctx.progress = (fraction) => {
      progress(fraction);
      if (nt.abort.signal.aborted) progressAfterAbort = fraction;
      if (progressAtAbort || fraction <= 0 || fraction >= 0.5) return;
      progressAtAbort = fraction;
      void processesMentioning(output).then((pids) => {
        runningAtAbort = pids;
        abortedAt = performance.now();
        nt.abort.abort(new Error('job cancelled'));
      });
    };

    const failure = await outputRenderNode.run(nt.ctx, { timeline }, outputRenderNode.params.parse({ profile: '9x16_1080p' })).catch((e: unknown) => e);

    expect((failure as Error).name).toBe('AbortError');
    expect(((failure as Error).cause as Error).message).toBe('job cancelled');
    // ffmpeg was running when the abort came, and is gone when the promise rejects.
    expect(runningAtAbort).toHaveLength(1);
    expect(existsSync(`/proc/${runningAtAbort[0]}`)).toBe(false);
    expect(await processesMentioning(output)).toEqual([]);
    // Killed mid-render, not left to finish, and no progress past the abort: ffmpeg's closing `progress=end` is not a finished video.
    expect(progressAtAbort).toBeGreaterThan(0);
    expect(progressAfterAbort).toBeUndefined();
    // Killed, not left to finish: the rest of a 1080p render would take many seconds more.
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    // Nothing stored, no partial file left behind, nothing billed.
    for (const name of ['video.mp4', 'thumbnail.jpg', 'captions.srt']) expect(await nt.storage.stat(nt.ctx.artifactKey(name))).toBeUndefined();
    expect(existsSync(path.join(nt.root, 'storage', job, 'n6'))).toBe(false);
    expect(existsSync(output)).toBe(false);
    expect(nt.record.usage).toEqual([]);
  });
});
