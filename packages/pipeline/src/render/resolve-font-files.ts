import { execFile } from 'node:child_process';

/**
 * The font file fontconfig picks for each pattern (`Inter:bold` →
 * `…/Inter-Bold.otf`), found with `fc-match`: drawtext's `font` option takes a
 * family name only, so a weight or style needs the file itself. Like libass,
 * fontconfig answers with its closest font (another family when the one asked
 * for is not installed). When `fc-match` fails or is missing, a pattern is
 * left out and the compiler falls back to the pattern's family.
 */
export async function resolveFontFiles(patterns: string[], options: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const pattern of new Set(patterns)) {
    const file = await new Promise<string | undefined>((resolve, reject) => {
      // `--`: the pattern comes from a template, and one starting with `-` would otherwise be read as an option (`-s` lists every font).
      execFile('fc-match', ['--format=%{file}', '--', pattern], { signal: options.signal }, (error, stdout) => {
        if (error?.name === 'AbortError') reject(options.signal?.reason ?? error);
        else resolve(error ? undefined : stdout.trim() || undefined);
      });
    });
    if (file) files[pattern] = file;
  }
  return files;
}
