import { FentaError } from '@fenta/core';
import type { NodeContext } from '../../nodes/node-context';
import type { PipelineProviders, ScriptWriter } from '../pipeline-providers';

/** The script writers a node may ask for. */
export type ScriptWriterName = keyof PipelineProviders['script'];

/**
 * The writer a node asked for, or the offline writer when that one is not
 * configured, said in the job log; in strict mode a missing writer is
 * PROVIDER_UNAVAILABLE instead.
 */
export function chooseScriptWriter(ctx: NodeContext, asked: ScriptWriterName): ScriptWriter {
  const writer = ctx.providers.script[asked];
  if (writer) return writer;
  const reason = 'no API key is configured';
  if (ctx.providers.strict) throw new FentaError('PROVIDER_UNAVAILABLE', { provider: asked, reason });
  ctx.log.warn(`script writer ${asked} is not available (${reason}); using the offline writer instead`, { asked, used: 'offline' });
  return ctx.providers.script.offline;
}
