import { existsSync } from 'node:fs';
import { FfmpegAbortError, progressOf, runFfmpeg } from '../../src/render/run-ffmpeg';

describe('progressOf', () => {
  it('turns out_time_us into a fraction of the duration, and progress=end into 1', () => {
    expect(progressOf('out_time_us=1500000', 6)).toBe(0.25);
    expect(progressOf('out_time_us=9000000', 6)).toBe(1);
    expect(progressOf('progress=end', undefined)).toBe(1);
    expect(progressOf('progress=continue', 6)).toBeUndefined();
    expect(progressOf('out_time_us=N/A', 6)).toBeUndefined();
    expect(progressOf('frame=12', 6)).toBeUndefined();
    expect(progressOf('out_time_us=1500000', undefined)).toBeUndefined();
  });
});

describe('runFfmpeg', () => {
  it('reports rising progress ending at 1', async () => {
    const seen: number[] = [];
    await runFfmpeg(['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=30:d=2', '-f', 'null', '-'], {
      durationSeconds: 2,
      onProgress: (f) => seen.push(f),
    });
    expect(seen[seen.length - 1]).toBe(1);
    seen.forEach((f, i) => expect(f).toBeGreaterThan(i > 0 ? seen[i - 1]! : 0));
  });

  it("fails with RENDER_FAILED carrying ffmpeg's own explanation", async () => {
    await expect(runFfmpeg(['-hide_banner', '-nostdin', '-i', '/nonexistent/clip.mp4', '-f', 'null', '-'])).rejects.toMatchObject({
      code: 'RENDER_FAILED',
      message: 'Rendering failed: ffmpeg exited with code 1: /nonexistent/clip.mp4: No such file or directory',
    });
  });

  it('keeps only the last 40 lines of a long stderr', async () => {
    const failure = await runFfmpeg([
      '-nostdin',
      '-loglevel',
      'debug',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:d=0.1',
      '-c:v',
      'no_such_encoder',
      '-f',
      'null',
      '-',
    ]).catch((e: unknown) => e);
    const stderr = (failure as { details: { stderr: string[] } }).details.stderr;
    expect(stderr).toHaveLength(40);
    expect(stderr.some((line) => line.includes("Unknown encoder 'no_such_encoder'"))).toBe(true);
  });

  it('does not start ffmpeg when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const spawned: number[] = [];
    const failure = await runFfmpeg(['-version'], { signal: controller.signal, onSpawn: (pid) => spawned.push(pid) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FfmpegAbortError);
    expect((failure as Error).name).toBe('AbortError');
    expect(spawned).toEqual([]);
  });

  it('kills ffmpeg on abort and rejects once the process is gone', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    let pid = 0;
    let abortedAt = 0;
    // Reads stdin-free, endless input: only the abort can end it.
    const run = runFfmpeg(['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=30', '-f', 'null', '-'], {
      durationSeconds: 60,
      signal: controller.signal,
      onSpawn: (p) => (pid = p),
      onProgress: () => {
        if (abortedAt) return;
        abortedAt = performance.now();
        controller.abort(reason);
      },
    });
    const failure = await run.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FfmpegAbortError);
    expect((failure as Error).cause).toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(1500);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
