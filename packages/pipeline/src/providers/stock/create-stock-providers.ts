import type { DB } from '@fenta/db';
import type { Kysely } from 'kysely';
import type { PipelineProviders } from '../pipeline-providers';
import { OfflineStockProvider, type OfflineStockProviderOptions } from './offline-stock-provider';
import { OrgAssetsStockProvider } from './org-assets-stock-provider';
import { PexelsStockProvider } from './pexels-stock-provider';
import { PixabayStockProvider } from './pixabay-stock-provider';
import type { RemoteStockSettings } from './stock-provider-settings';

/** What a worker knows about footage sources; each remote one exists only when its key is set. */
export interface StockProvidersConfig {
  pexelsApiKey?: string;
  pixabayApiKey?: string;
  /** The database of org assets; without it the `assets` source is not available. */
  db?: Kysely<DB>;
  /** Tuning shared by Pexels and Pixabay (base URLs stay per provider: see `pexels`/`pixabay`). */
  remote?: Omit<RemoteStockSettings, 'baseUrl'>;
  pexels?: Pick<RemoteStockSettings, 'baseUrl'>;
  pixabay?: Pick<RemoteStockSettings, 'baseUrl'>;
  offline?: OfflineStockProviderOptions;
}

/** The `stock` part of `PipelineProviders`, built from the worker's config. */
export function createStockProviders(config: StockProvidersConfig): PipelineProviders['stock'] {
  return {
    ...(config.pexelsApiKey ? { pexels: new PexelsStockProvider({ ...config.remote, ...config.pexels, apiKey: config.pexelsApiKey }) } : {}),
    ...(config.pixabayApiKey ? { pixabay: new PixabayStockProvider({ ...config.remote, ...config.pixabay, apiKey: config.pixabayApiKey }) } : {}),
    ...(config.db ? { assets: new OrgAssetsStockProvider(config.db) } : {}),
    offline: new OfflineStockProvider(config.offline),
  };
}
