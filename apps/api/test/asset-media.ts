import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Small real media made by ffmpeg for upload tests, by name: mp4 (1 s, 64x36, 25 fps, H.264), mp3 (1 s sine), wav (1 s, 88 KB), png (64x36), text (not media). */
export interface TestMedia {
  mp4: string;
  mp3: string;
  wav: string;
  png: string;
  text: string;
}

export async function makeTestMedia(dir: string): Promise<TestMedia> {
  const file = (name: string) => path.join(dir, name);
  const ffmpeg = (...args: string[]) => run('ffmpeg', ['-v', 'error', '-y', ...args]);
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=25:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file('clip.mp4'));
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', file('tone.mp3'));
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', file('tone.wav'));
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x36', '-frames:v', '1', file('still.png'));
  await writeFile(file('notes.txt'), 'these are not the frames you are looking for\n');
  return { mp4: file('clip.mp4'), mp3: file('tone.mp3'), wav: file('tone.wav'), png: file('still.png'), text: file('notes.txt') };
}

/** A part of a multipart/form-data body: a field, or a file with its declared type. */
export type FormPart = { name: string; value: string } | { name: string; filename: string; contentType: string; content: Buffer };

/** A multipart/form-data body as a browser or curl sends it, with the headers `inject` needs. */
export function multipartForm(parts: FormPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----fenta-test-boundary-7c1e';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`,
        ),
        part.content,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
