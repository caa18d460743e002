import { createScriptWriters } from '../../src/providers/script/create-script-writers';

describe('createScriptWriters', () => {
  it('builds only the offline writer without an OpenAI key', () => {
    const script = createScriptWriters({});
    expect(Object.keys(script)).toEqual(['offline']);
    expect(script.offline.name).toBe('offline');
  });

  it('adds the OpenAI writer when its key is given', () => {
    const script = createScriptWriters({ openai: { apiKey: 'sk-1', baseURL: 'http://127.0.0.1:1/v1' } });
    expect(Object.entries(script).map(([key, writer]) => [key, writer.name])).toEqual([
      ['openai', 'openai'],
      ['offline', 'offline'],
    ]);
  });
});
