import path from 'node:path';
import { resolveFontFiles } from '../../src/render/resolve-font-files';

describe('resolveFontFiles', () => {
  it('finds the file of each weight of the template font', async () => {
    const files = await resolveFontFiles(['Inter:bold', 'Inter', 'Inter:bold']);
    expect(Object.keys(files)).toEqual(['Inter:bold', 'Inter']);
    expect(path.basename(files['Inter:bold']!)).toBe('Inter-Bold.otf');
    expect(path.basename(files.Inter!)).toBe('Inter-Regular.otf');
  });

  it('reads a pattern starting with "-" as a font name, not as an option of fc-match', async () => {
    // No such families are installed, so each gets fontconfig's closest font, the same as any unknown name.
    const fallback = (await resolveFontFiles(['No Such Family']))['No Such Family']!;
    expect(path.isAbsolute(fallback)).toBe(true);
    // As options, -s would list every font file, --version print a version and no file, -fX print "X".
    expect(await resolveFontFiles(['-s', '--version', '-fX'])).toEqual({ '-s': fallback, '--version': fallback, '-fX': fallback });
  });
});
