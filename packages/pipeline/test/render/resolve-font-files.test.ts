import path from 'node:path';
import { resolveFontFiles } from '../../src/render/resolve-font-files';

describe('resolveFontFiles', () => {
  it('finds the file of each weight of the template font', async () => {
    const files = await resolveFontFiles(['Inter:bold', 'Inter', 'Inter:bold']);
    expect(Object.keys(files)).toEqual(['Inter:bold', 'Inter']);
    expect(path.basename(files['Inter:bold']!)).toBe('Inter-Bold.otf');
    expect(path.basename(files.Inter!)).toBe('Inter-Regular.otf');
  });
});
