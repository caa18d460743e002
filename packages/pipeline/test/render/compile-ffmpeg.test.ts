import { compileTimeline, thumbnailFrame } from '../../src/render/compile-ffmpeg';
import { escapeFilterValue } from '../../src/render/escape-filter-value';
import { getOutputProfile } from '../../src/render/output-profiles';
import type { Timeline } from '../../src/timeline/timeline-ir';

const profile = getOutputProfile('9x16_720p', { preset: 'ultrafast' });

/** Two clips, a logo under the subtitles, a sliding headline over them, voice and ducked music (mixed before, see mixAudio). */
const timeline: Timeline = {
  kind: 'timeline',
  profile,
  durationSeconds: 4,
  clips: [
    { source: 'clip/a', inPoint: 1.5, start: 0, end: 2.5 },
    { source: 'clip/b', inPoint: 0, start: 2.5, end: 4 },
  ],
  overlays: [
    {
      kind: 'text',
      text: 'BREAKING STORY',
      start: 0,
      end: 3,
      position: 'top',
      animation: 'slide-down',
      font: 'Inter:bold',
      size: 50,
      color: '#FFFFFF',
      box: true,
      z: 20,
    },
    { kind: 'image', source: 'logo', start: 0, end: 4, position: 'top-right', animation: 'none', widthFraction: 0.2, z: 5 },
  ],
  subtitles: { source: 'subs', z: 10 },
  audio: { voice: { source: 'voice', gainDb: 0 }, music: { source: 'music', gainDb: -12, duck: true }, loudnessLufs: -14 },
  srt: 'srt',
  thumbnailAt: 1.25,
};

const inputs = {
  'clip/a': '/media/a.mp4',
  'clip/b': '/media/b.mp4',
  logo: '/media/logo.png',
  subs: "/media/it's: here/subs.ass",
};

/** The soundtrack mixed before the render (see mixAudio). */
const audio = '/render/audio.wav';

const textOverlayFiles = { 0: '/render/text-overlays-0.ass' };

const clipChain = (input: number, seconds: string, frames: number, label: string) =>
  String.raw`[${input}:v]crop=min(iw\,ih*720/1280):min(ih\,iw*1280/720),fps=30,` +
  `tpad=stop_mode=clone:stop_duration=${seconds},trim=end_frame=${frames},scale=720:1280,setsar=1,format=yuv420p[${label}]`;

const encoding = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-crf',
  '20',
  '-maxrate',
  '5000k',
  '-bufsize',
  '10000k',
  '-profile:v',
  'high',
  '-x264-params',
  '8x8dct=1',
  '-pix_fmt',
  'yuv420p',
  '-r',
  '30',
  '-c:a',
  'aac',
  '-b:a',
  '160k',
  '-ar',
  '48000',
  '-ac',
  '2',
];

describe('compileTimeline', () => {
  it('compiles clips, layers in z order, the mixed soundtrack and the encoding into one command', () => {
    const filter = [
      clipChain(0, '2.5', 75, 'v0'),
      clipChain(1, '1.5', 45, 'v1'),
      '[v0][v1]concat=n=2:v=1:a=0[base]',
      // z 5: the logo, under the subtitles.
      '[3:v]scale=144:-2,format=rgba[image0]',
      String.raw`[base][image0]overlay=x=619-overlay_w:y=128:enable=between(t\,0\,4)[layer0]`,
      // z 10: the subtitles; the path's quote and colon escaped for both parsing levels.
      String.raw`[layer0]ass=filename=/media/it\\\'s\\: here/subs.ass[layer1]`,
      // z 20: the headline, burned by libass from the script written for it (see writeTextOverlays).
      String.raw`[layer1]ass=filename=/render/text-overlays-0.ass[layer2]`,
    ].join(';');
    expect(compileTimeline(timeline, { inputs, audio, output: '/out/video.mp4', textOverlayFiles }).args).toEqual([
      '-hide_banner',
      '-nostdin',
      '-y',
      '-loglevel',
      'warning',
      // Every input, and whatever it names (an HLS upload's segments), is opened as a local file only.
      '-ss',
      '1.5',
      '-t',
      '2.5',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/media/a.mp4',
      '-ss',
      '0',
      '-t',
      '1.5',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/media/b.mp4',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/render/audio.wav',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/media/logo.png',
      '-filter_complex',
      filter,
      '-map',
      '[layer2]',
      '-map',
      '2:a',
      ...encoding,
      '-t',
      '4',
      '-movflags',
      '+faststart',
      '/out/video.mp4',
    ]);
  });

  it('compiles a single clip without layers to the plainest graph', () => {
    const plain: Timeline = {
      ...timeline,
      clips: [{ source: 'clip/a', inPoint: 0, start: 0, end: 4 }],
      overlays: [],
      subtitles: undefined,
      audio: { voice: { source: 'voice', gainDb: 3 }, loudnessLufs: -16 },
    };
    const { args } = compileTimeline(plain, { inputs, audio, output: '/out/video.mp4' });
    expect(args.slice(args.indexOf('-filter_complex') + 1, args.indexOf('-filter_complex') + 6)).toEqual([
      `${clipChain(0, '4', 120, 'v0').slice(0, -'[v0]'.length)}[base]`,
      '-map',
      '[base]',
      '-map',
      '1:a',
    ]);
  });

  it('decodes a draft without deblocking and scales it bilinearly; a published profile keeps both', () => {
    const draft = compileTimeline({ ...timeline, profile: getOutputProfile('preview') }, { inputs, audio, output: '/out/preview.mp4', textOverlayFiles }).args;
    // The options of each input: what comes between the previous input's file and its own -i.
    const optionsOf = (args: string[]) =>
      args.flatMap((arg, i) => (arg === '-i' ? [{ file: args[i + 1], options: args.slice(args.lastIndexOf('-i', i - 1) + 2, i) }] : []));
    const clipFiles = timeline.clips.map((clip) => inputs[clip.source as keyof typeof inputs]);
    for (const input of optionsOf(draft)) {
      expect(input.options.includes('-skip_loop_filter')).toBe(clipFiles.includes(input.file!));
      if (clipFiles.includes(input.file!)) expect(input.options[input.options.indexOf('-skip_loop_filter') + 1]).toBe('all');
    }
    // The footage's scalers: to the whole frame (the logo's is scaled to its own width).
    const scalers = (args: string[]) => args[args.indexOf('-filter_complex') + 1]!.match(/scale=(540:960|720:1280)[^,]*/g);
    expect(scalers(draft)).toEqual(timeline.clips.map(() => 'scale=540:960:flags=fast_bilinear'));
    const published = compileTimeline(timeline, { inputs, audio, output: '/out/video.mp4', textOverlayFiles }).args;
    expect(published).not.toContain('-skip_loop_filter');
    expect(scalers(published)).toEqual(timeline.clips.map(() => 'scale=720:1280'));
  });

  it('decodes a fading image once, repeats it for every frame of the video and fades its alpha', () => {
    const fading: Timeline = {
      ...timeline,
      overlays: [{ kind: 'image', source: 'logo', start: 1, end: 3, position: 'bottom-left', animation: 'fade', widthFraction: 0.5, z: 30 }],
      subtitles: undefined,
    };
    const { args } = compileTimeline(fading, { inputs, audio, output: '/out/video.mp4' });
    expect(args.slice(args.indexOf(audio) + 1, args.indexOf('/media/logo.png') + 1)).toEqual([
      '-framerate',
      '30',
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/media/logo.png',
    ]);
    const filter = args[args.indexOf('-filter_complex') + 1]!;
    expect(filter).toContain(
      '[3:v]scale=360:-2,format=rgba,loop=loop=119:size=1,fade=t=in:st=1:d=0.4:alpha=1,fade=t=out:st=2.6:d=0.4:alpha=1[image0];' +
        String.raw`[base][image0]overlay=x=36:y=1024-overlay_h:enable=between(t\,1\,3)[layer0]`,
    );
  });

  it('lays the cover, filled to the frame like footage, over exactly its first frames and under every layer', () => {
    const covered: Timeline = { ...timeline, cover: { source: 'cover', end: 1 } };
    const { args } = compileTimeline(covered, { inputs: { ...inputs, cover: '/media/cover.png' }, audio, output: '/out/video.mp4', textOverlayFiles });
    // An input of its own after the audio, read once: no -loop, overlay repeats its one frame.
    expect(args.slice(args.indexOf(audio) + 1, args.indexOf('/media/cover.png') + 1)).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,matroska,wav,mp3,ogg,flac,aac,image2,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-i',
      '/media/cover.png',
    ]);
    expect(args[args.indexOf('-filter_complex') + 1]).toContain(
      '[v0][v1]concat=n=2:v=1:a=0[base];' +
        String.raw`[3:v]crop=min(iw\,ih*720/1280):min(ih\,iw*1280/720),scale=720:1280,setsar=1,format=yuv420p[cover];` +
        String.raw`[base][cover]overlay=enable=lt(n\,30)[covered];` +
        '[4:v]scale=144:-2,format=rgba[image0];' +
        String.raw`[covered][image0]overlay=x=619-overlay_w:y=128:enable=between(t\,0\,4)[layer0]`,
    );
  });

  it('refuses a timeline with text overlays but no ASS script for them', () => {
    expect(() => compileTimeline(timeline, { inputs, audio, output: '/out/video.mp4' })).toThrow(
      expect.objectContaining({ code: 'RENDER_FAILED', message: 'Rendering failed: no ASS script was given for text overlay group 0' }),
    );
  });

  it('burns text overlays that follow one another with one filter, and those split by another layer with one each', () => {
    const headline = timeline.overlays[0]!;
    const { args } = compileTimeline(
      { ...timeline, overlays: [headline, { ...headline, z: 21 }, { ...timeline.overlays[1]!, z: 30 }, { ...headline, z: 40 }], subtitles: undefined },
      { inputs, audio, output: '/out/video.mp4', textOverlayFiles: { 0: '/render/a.ass', 1: '/render/b.ass' } },
    );
    expect(args[args.indexOf('-filter_complex') + 1]).toContain(
      '[base]ass=filename=/render/a.ass[layer0];[3:v]scale=144:-2,format=rgba[image1];' +
        String.raw`[layer0][image1]overlay=x=619-overlay_w:y=128:enable=between(t\,0\,4)[layer1];[layer1]ass=filename=/render/b.ass[layer2]`,
    );
  });

  it('passes a fonts directory to libass', () => {
    const { args } = compileTimeline({ ...timeline, overlays: [] }, { inputs, audio, output: '/out/video.mp4', fontsDir: '/fonts/brand,1' });
    expect(args[args.indexOf('-filter_complex') + 1]).toContain(
      String.raw`[base]ass=filename=/media/it\\\'s\\: here/subs.ass:fontsdir=/fonts/brand\,1[layer0]`,
    );
  });

  it('refuses a timeline whose media were not all given a local file', () => {
    expect(() => compileTimeline(timeline, { inputs: { ...inputs, logo: undefined } as unknown as Record<string, string>, audio, output: '/o.mp4' })).toThrow(
      expect.objectContaining({ code: 'RENDER_FAILED', message: 'Rendering failed: no local file was given for logo' }),
    );
  });
});

describe('the thumbnail', () => {
  it('is split off the finished picture and written by the same command, one JPEG of the frame at thumbnailAt', () => {
    const { args } = compileTimeline(timeline, {
      inputs,
      audio,
      output: '/out/video.mp4',
      thumbnail: '/out/thumb.jpg',
      textOverlayFiles,
    });
    const filter = args[args.indexOf('-filter_complex') + 1]!.split(';');
    expect(filter.slice(filter.findIndex((c) => c.startsWith('[layer2]')))).toEqual([
      '[layer2]split=2[video][still]',
      '[still]trim=start_frame=38:end_frame=39[thumbnail]',
    ]);
    expect(args.slice(args.indexOf('-map'), args.indexOf('-map') + 4)).toEqual(['-map', '[video]', '-map', '2:a']);
    expect(args.slice(args.indexOf('/out/video.mp4'))).toEqual([
      '/out/video.mp4',
      '-map',
      '[thumbnail]',
      '-frames:v',
      '1',
      '-q:v',
      '3',
      '-update',
      '1',
      '/out/thumb.jpg',
    ]);
  });

  it('shows the frame at thumbnailAt, kept inside the video', () => {
    expect(thumbnailFrame(timeline)).toBe(38);
    expect(thumbnailFrame({ ...timeline, thumbnailAt: 9 })).toBe(119);
    expect(thumbnailFrame({ ...timeline, thumbnailAt: -1 })).toBe(0);
  });
});

describe('escapeFilterValue', () => {
  it('escapes for the option level, then for the graph level (ffmpeg-filters "Notes on filtergraph escaping")', () => {
    expect(escapeFilterValue("this is a 'string': may contain one, or more, special characters")).toBe(
      String.raw`this is a \\\'string\\\'\\: may contain one\, or more\, special characters`,
    );
    expect(escapeFilterValue(String.raw`[a;b] \ %`)).toBe(String.raw`\[a\;b\] \\\\ %`);
  });

  it('keeps the spaces at either end, which each level would otherwise trim', () => {
    // The graph level sees the option level's escaped first space as `\` then a space: not at its start, so not trimmed.
    expect(escapeFilterValue('  two  ')).toBe(String.raw`\\ ` + ' two ' + String.raw`\\\ `);
  });
});
