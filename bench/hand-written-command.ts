/**
 * The comparison for the render benchmark: one ffmpeg command written by
 * hand, the way an engineer would type it for this output, with no compiler
 * in between: 5 clips cut on the input side, cropped to 9:16 and scaled,
 * concatenated, karaoke ASS burned in, the headline sliding down, the music
 * ducked under the voice and the mix loudness-normalised, H.264 High and AAC,
 * and the JPEG thumbnail every render ships (the frame at 3 s, split off the
 * finished picture).
 */
export function handWrittenCommand(files: {
  'clip-0': string;
  'clip-1': string;
  'clip-2': string;
  'clip-3': string;
  'clip-4': string;
  voice: string;
  music: string;
  subs: string;
  /** Inter Bold's file, as fontconfig finds it. */
  fontFile: string;
  output: string;
  thumbnail: string;
  preset: string;
}): string[] {
  const clips = [files['clip-0'], files['clip-1'], files['clip-2'], files['clip-3'], files['clip-4']];
  const graph = [
    ...clips.map((_, i) => `[${i}:v]crop=ih*9/16:ih,fps=30,scale=1080:1920,setsar=1[v${i}]`),
    `[v0][v1][v2][v3][v4]concat=n=5:v=1:a=0,ass='${files.subs}',` +
      `drawtext=fontfile='${files.fontFile}':text='BREAKING STORY':fontsize=76:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=23:` +
      // format before split: without it ffmpeg settles the JPEG's full-range yuvj420p on the whole chain
      // up to the scalers and converts every frame back to yuv420p for x264 (a profile shows 16% in swscale instead of 5%).
      "x=(w-text_w)/2:y='177-(177+text_h+23)*pow(max(0,1-t/0.4),3)':alpha='max(0,min(1,(3-t)/0.4))':enable='between(t,0,3)',format=yuv420p,split[v][still]",
    '[still]trim=start_frame=90:end_frame=91[thumb]',
    '[5:a]aresample=48000,aformat=channel_layouts=stereo,apad=whole_dur=30,asplit[voice][key]',
    '[6:a]volume=-12dB[music]',
    '[music][key]sidechaincompress=threshold=0.02:ratio=10:attack=10:release=300[bed]',
    '[voice][bed]amix=inputs=2:duration=first:normalize=0,loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000[a]',
  ].join(';');
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'warning',
    ...clips.flatMap((clip) => ['-ss', '1', '-t', '6', '-i', clip]),
    '-i',
    files.voice,
    '-stream_loop',
    '-1',
    '-i',
    files.music,
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    files.preset,
    '-crf',
    '20',
    '-maxrate',
    '8000k',
    '-bufsize',
    '16000k',
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-r',
    '30',
    // ultrafast turns the 8x8 transform off and the stream comes out Constrained Baseline; the output is High.
    ...(files.preset === 'ultrafast' ? ['-x264-params', '8x8dct=1'] : []),
    '-c:a',
    'aac',
    '-b:a',
    '160k',
    '-ar',
    '48000',
    '-t',
    '30',
    '-movflags',
    '+faststart',
    files.output,
    '-map',
    '[thumb]',
    '-frames:v',
    '1',
    '-q:v',
    '3',
    '-update',
    '1',
    files.thumbnail,
  ];
}
