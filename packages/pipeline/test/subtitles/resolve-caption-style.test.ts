import { builtInTemplates } from '@fenta/db';
import type { TemplateRecord } from '../../src/nodes/node-context';
import { readCaptionTemplate } from '../../src/subtitles/read-caption-template';
import { resolveCaptionStyle } from '../../src/subtitles/resolve-caption-style';

const sample = builtInTemplates.find((t) => t.id === 'tmpl_shorts_v1')!;

describe('readCaptionTemplate and resolveCaptionStyle', () => {
  it("takes the sample template's frame and subtitle style, `bg: box` drawing the box", () => {
    const template = readCaptionTemplate(sample);
    expect(template.frame).toEqual({ width: 1080, height: 1920 });
    expect(template.presets).toEqual(['karaoke_bounce', 'clean_box']);
    expect(resolveCaptionStyle('clean_box', template.style, template.frame)).toEqual({
      preset: 'clean_box',
      font: 'Inter',
      size: 88,
      shadow: true,
      box: true,
      position: 'bottom',
      margin: 420,
      color: '#FFFFFF',
      highlightColor: '#FFD400',
    });
  });

  it("keeps the template's look under the karaoke preset; the preset only fills what the template leaves out", () => {
    const template = readCaptionTemplate(sample);
    expect(resolveCaptionStyle('karaoke_bounce', template.style, template.frame)).toMatchObject({
      preset: 'karaoke_bounce',
      size: 88,
      box: true,
      position: 'bottom',
    });
    expect(resolveCaptionStyle('karaoke_bounce', { bg: 'none', color: '#00ff00' }, template.frame)).toEqual({
      preset: 'karaoke_bounce',
      font: 'Inter',
      size: 64,
      shadow: true,
      box: false,
      position: 'center',
      margin: 0,
      color: '#00FF00',
      highlightColor: '#FFD400',
    });
  });

  it("scales the preset's default sizes to the frame height", () => {
    expect(resolveCaptionStyle('clean_box', undefined, { width: 1920, height: 1080 })).toMatchObject({ size: 27, margin: 90 });
  });

  it('refuses a bad subtitle style with TEMPLATE_SPEC_INVALID naming its path', () => {
    const broken: TemplateRecord = {
      ...sample,
      spec: {
        tracks: [
          { type: 'video', id: 'main' },
          { type: 'subtitle', id: 'subs', style: { font: 'Inter', size: 'large' } },
        ],
      },
    };
    expect(() => readCaptionTemplate(broken)).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_SPEC_INVALID',
        params: expect.objectContaining({ template: 'tmpl_shorts_v1', path: 'spec.tracks[1].style.size' }),
      }),
    );
    expect(() => readCaptionTemplate({ ...sample, resolution: '1080p' })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_SPEC_INVALID', params: expect.objectContaining({ path: 'resolution' }) }),
    );
  });
});
