import { audioMixGraph, musicFadeSeconds } from '../../src/render/audio-mix-graph';
import { gainToTarget, loudnessGainFilters, parseEbur128Summary } from '../../src/render/loudness-gain';
import type { TimelineAudio } from '../../src/timeline/timeline-ir';

const normalise = 'aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo';

describe('audioMixGraph', () => {
  it('pads the voice, cuts, fades and ducks the music under it, and mixes the two without scaling', () => {
    const audio: TimelineAudio = { voice: { source: 'voice', gainDb: 0 }, music: { source: 'music', gainDb: -12, duck: true }, loudnessLufs: -14 };
    expect(audioMixGraph(audio, { voice: 0, music: 1 }, 12.5, 48_000).split(';')).toEqual([
      `[0:a]${normalise},apad=whole_dur=12.5,asplit=2[voice][voicekey]`,
      `[1:a]${normalise},atrim=duration=12.5,volume=-12dB,afade=t=out:st=11:d=1.5[music]`,
      '[music][voicekey]sidechaincompress=threshold=0.01:ratio=20:attack=10:release=400:level_sc=16:mix=0.8[bed]',
      '[voice][bed]amix=inputs=2:duration=first:normalize=0,atrim=duration=12.5[mix]',
    ]);
  });

  it('mixes unducked music straight in, and the voice alone when there is no music', () => {
    const audio: TimelineAudio = { voice: { source: 'voice', gainDb: 3 }, music: { source: 'music', gainDb: -12, duck: false }, loudnessLufs: -14 };
    expect(audioMixGraph(audio, { voice: 0, music: 1 }, 4, 48_000).split(';')).toEqual([
      `[0:a]${normalise},volume=3dB,apad=whole_dur=4[voice]`,
      `[1:a]${normalise},atrim=duration=4,volume=-12dB,afade=t=out:st=3:d=1[music]`,
      '[voice][music]amix=inputs=2:duration=first:normalize=0,atrim=duration=4[mix]',
    ]);
    expect(audioMixGraph({ ...audio, music: undefined }, { voice: 0 }, 4, 48_000)).toBe(`[0:a]${normalise},volume=3dB,apad=whole_dur=4,atrim=duration=4[mix]`);
  });

  it('fades the music over 1.5 s, or over a quarter of a video shorter than 6 s', () => {
    expect([musicFadeSeconds(60), musicFadeSeconds(6), musicFadeSeconds(4), musicFadeSeconds(1)]).toEqual([1.5, 1.5, 1, 0.25]);
  });
});

describe('loudness gain', () => {
  it('is the difference to the target, and none for silence', () => {
    expect([gainToTarget(-20.6, -14), gainToTarget(-9.3, -14), gainToTarget(-70, -14), gainToTarget(-Infinity, -14)]).toEqual([6.6, -4.7, 0, 0]);
  });

  it('is applied before a limiter at -2 dBFS that works at 192 kHz and keeps the level it is given', () => {
    expect(loudnessGainFilters(6.6, 48_000)).toEqual([
      'volume=6.6dB',
      'aresample=192000',
      'alimiter=limit=0.7943:attack=1:release=50:level=0:latency=1',
      'aresample=48000',
    ]);
  });

  it("reads the integrated loudness and true peak from ebur128's summary", () => {
    const stderr = [
      '[Parsed_ebur128_0 @ 0x1] t: 11.9 TARGET:-23 LUFS M: -20.0 S: -20.0 I: -19.0 LUFS LRA: 1.0 LU',
      '[Parsed_ebur128_0 @ 0x1] Summary:',
      '  Integrated loudness:',
      '    I:         -14.1 LUFS',
      '    Threshold: -24.3 LUFS',
      '  True peak:',
      '    Peak:       -1.6 dBFS',
    ].join('\n');
    expect(parseEbur128Summary(stderr)).toEqual({ integratedLufs: -14.1, truePeakDb: -1.6 });
    expect(parseEbur128Summary(stderr.replace(/ {2}True peak:[\s\S]*/, ''))).toEqual({ integratedLufs: -14.1 });
    expect(parseEbur128Summary('no meter here')).toBeUndefined();
  });
});
