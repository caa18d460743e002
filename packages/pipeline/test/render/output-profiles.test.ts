import { getOutputProfile, outputProfileNames } from '../../src/render/output-profiles';

describe('output profiles', () => {
  it('has four aspects at 1080p and 720p, all 30 fps, x264 crf 20 veryfast, AAC 160 kbps at 48 kHz, 9:16 at most 60 s, and a 540x960 preview', () => {
    const frames = Object.fromEntries(outputProfileNames.map((name) => [name, `${getOutputProfile(name).width}x${getOutputProfile(name).height}`]));
    expect(frames).toEqual({
      '9x16_1080p': '1080x1920',
      '9x16_720p': '720x1280',
      '16x9_1080p': '1920x1080',
      '16x9_720p': '1280x720',
      '1x1_1080p': '1080x1080',
      '1x1_720p': '720x720',
      '4x5_1080p': '1080x1350',
      '4x5_720p': '720x900',
      preview: '540x960',
    });
    expect(getOutputProfile('9x16_1080p')).toEqual({
      name: '9x16_1080p',
      width: 1080,
      height: 1920,
      fps: 30,
      crf: 20,
      preset: 'veryfast',
      maxBitrateKbps: 8000,
      audioBitrateKbps: 160,
      audioSampleRate: 48000,
      maxDurationSeconds: 60,
    });
    expect(getOutputProfile('4x5_720p').maxBitrateKbps).toBe(5000);
    // The draft: a quarter of 1080p's pixels, x264's fastest preset, fewer frames, and no platform's length (it is never published).
    expect(getOutputProfile('preview')).toEqual({
      name: 'preview',
      width: 540,
      height: 960,
      fps: 24,
      crf: 28,
      preset: 'ultrafast',
      maxBitrateKbps: 1500,
      audioBitrateKbps: 96,
      audioSampleRate: 48000,
      draft: true,
    });
    // Only 9:16 videos are held to a platform's length.
    expect(outputProfileNames.filter((name) => getOutputProfile(name).maxDurationSeconds !== undefined)).toEqual(['9x16_1080p', '9x16_720p']);
  });

  it('takes another x264 preset without changing the shared profile', () => {
    expect(getOutputProfile('9x16_720p', { preset: 'ultrafast' }).preset).toBe('ultrafast');
    expect(getOutputProfile('9x16_720p').preset).toBe('veryfast');
  });

  it('names the valid profiles when asked for an unknown one', () => {
    expect(() => getOutputProfile('9x16_4k', { node: 'n6' })).toThrow(
      expect.objectContaining({
        code: 'NODE_PARAM_INVALID',
        message:
          'Node n6 (Output.Render) has invalid params at profile: unknown profile "9x16_4k"; valid profiles: ' +
          '9x16_1080p, 9x16_720p, 16x9_1080p, 16x9_720p, 1x1_1080p, 1x1_720p, 4x5_1080p, 4x5_720p, preview',
      }),
    );
  });

  it('names the valid presets when asked for an unknown one', () => {
    expect(() => getOutputProfile('9x16_720p', { preset: 'warp', node: 'n6' })).toThrow(
      expect.objectContaining({
        code: 'NODE_PARAM_INVALID',
        message:
          'Node n6 (Output.Render) has invalid params at preset: unknown x264 preset "warp"; valid presets: ' +
          'ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow',
      }),
    );
  });
});
