import { FentaError } from '@fenta/core';
import type { NodeContext } from '../../nodes/node-context';
import type { PipelineProviders, StockProvider } from '../pipeline-providers';

/** The stock sources a node may ask for. */
export type StockProviderName = keyof PipelineProviders['stock'];

/**
 * The provider a node asked for, or the offline library when that one is not
 * configured, said in the job log; in strict mode a missing provider is
 * PROVIDER_UNAVAILABLE instead.
 */
export function chooseStockProvider(ctx: NodeContext, asked: StockProviderName): StockProvider {
  const provider = ctx.providers.stock[asked];
  if (provider) return provider;
  const reason = asked === 'assets' ? 'this worker has no database for org assets' : 'no API key is configured';
  if (ctx.providers.strict) throw new FentaError('PROVIDER_UNAVAILABLE', { provider: asked, reason });
  ctx.log.warn(`stock provider ${asked} is not available (${reason}); using the offline library instead`, { asked, used: 'offline' });
  return ctx.providers.stock.offline;
}
