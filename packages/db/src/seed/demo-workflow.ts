/** Seed 000's sample workflow "Daily News Shorts": stock footage, script, voice, captions, timeline, render. */
export const demoWorkflow = {
  id: 'wf_daily_news_01',
  name: 'Daily News Shorts',
  description: 'A 30-second news short: headline and three beats, voiced, captioned and cut to stock footage.',
  graph: {
    nodes: [
      { id: 'n1', type: 'Input.Stock', params: { provider: 'pexels', query: 'breaking news city' }, position: { x: 100, y: 100 } },
      { id: 'n2', type: 'Script.Generate', params: { genre: 'news', lang: 'en', prompt: '30s punchy headline + 3 beats' }, position: { x: 100, y: 250 } },
      { id: 'n3', type: 'Voice.TTS', params: { voice: 'alloy_en', speed: 1.02 }, position: { x: 100, y: 400 } },
      { id: 'n4', type: 'Subtitle.Auto', params: { style: 'clean_box' }, position: { x: 300, y: 400 } },
      { id: 'n5', type: 'Edit.Timeline', params: { template_id: 'tmpl_shorts_v1' }, position: { x: 500, y: 300 } },
      { id: 'n6', type: 'Output.Render', params: { profile: '9x16_1080p' }, position: { x: 700, y: 300 } },
    ],
    edges: [
      { id: 'e1', from: 'n1', to: 'n5' },
      { id: 'e2', from: 'n2', to: 'n3' },
      { id: 'e3', from: 'n3', to: 'n4' },
      { id: 'e4', from: 'n4', to: 'n5' },
      { id: 'e5', from: 'n5', to: 'n6' },
    ],
  },
  variables: { topic: 'a city that switched its streetlights to solar power' },
} as const;
