import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import type { OfflineClipShape, OfflineFootageVariant } from './offline-footage-variants';
import { ChildProcessFailure, runChildProcess } from '../../process/run-child-process';

/**
 * Draws one clip of the offline library with ffmpeg: the variant's moving
 * picture with `label` written across its lower third, H.264 in MP4, no
 * audio. `workDir` holds the label file while ffmpeg runs.
 */
export async function renderOfflineClip(
  variant: OfflineFootageVariant,
  shape: OfflineClipShape,
  label: string,
  outputPath: string,
  options: { workDir: string; signal: AbortSignal },
): Promise<void> {
  // The label goes through a file: drawtext's inline text would need two
  // levels of filter-graph escaping for arbitrary query text.
  const labelFile = `${variant.id}-label.txt`;
  const labelPath = path.join(options.workDir, labelFile);
  await writeFile(labelPath, label);
  // Fit the label to ~90% of the width; caps in DejaVu Sans are ~0.7 em wide.
  const fontSize = Math.max(8, Math.floor(Math.min(shape.height / 14, (shape.width * 0.9) / (0.7 * Math.max(1, label.length)))));
  const drawLabel = [
    `drawtext=textfile=${labelFile}`,
    'expansion=none',
    'font=DejaVu Sans',
    `fontsize=${fontSize}`,
    'fontcolor=white',
    // A translucent box keeps the label readable on white patterns too.
    'box=1',
    'boxcolor=black@0.4',
    `boxborderw=${Math.max(2, Math.round(fontSize / 3))}`,
    'x=(w-text_w)/2',
    'y=h*0.78',
  ].join(':');
  const args = [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `${variant.filter(shape)},${drawLabel},format=yuv420p`,
    '-t',
    String(shape.seconds),
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '26',
    '-movflags',
    '+faststart',
    outputPath,
  ];
  try {
    await runChildProcess('ffmpeg', args, { signal: options.signal, cwd: options.workDir });
  } catch (error) {
    await rm(outputPath, { force: true });
    if (error instanceof ChildProcessFailure) {
      throw new FentaError('RENDER_FAILED', { reason: `offline footage ${variant.id}: ${error.message}` }, { cause: error });
    }
    throw error;
  } finally {
    await rm(labelPath, { force: true });
  }
}
