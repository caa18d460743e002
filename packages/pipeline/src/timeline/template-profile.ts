import type { TemplateRecord } from '../nodes/node-context';

/** The frame a template was designed for, from its `resolution` (`1080x1920`); undefined when it does not parse. */
export function templateFrame(template: Pick<TemplateRecord, 'resolution'>): { width: number; height: number } | undefined {
  const match = /^(\d{2,5})x(\d{2,5})$/.exec(template.resolution.trim());
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** The output profile that fits a template's aspect and resolution (`9:16` at 1080x1920 → `9x16_1080p`). */
export function templateProfileName(template: Pick<TemplateRecord, 'aspect' | 'resolution'>, known: readonly string[]): string {
  const frame = templateFrame(template);
  const tier = frame && Math.min(frame.width, frame.height) < 1080 ? '720p' : '1080p';
  const name = `${template.aspect.trim().replace(':', 'x')}_${tier}`;
  return known.includes(name) ? name : '9x16_1080p';
}
