import type { DB } from '@fenta/db';
import type { Kysely } from 'kysely';
import { createStockProviders } from '../../src/providers/stock/create-stock-providers';

describe('createStockProviders', () => {
  it('builds only the offline library when nothing is configured', () => {
    const stock = createStockProviders({});
    expect(Object.keys(stock)).toEqual(['offline']);
    expect(stock.offline.name).toBe('offline');
  });

  it('adds each provider whose key or database is given', () => {
    const stock = createStockProviders({ pexelsApiKey: 'p', pixabayApiKey: 'x', db: {} as Kysely<DB> });
    expect(Object.entries(stock).map(([key, provider]) => [key, provider.name])).toEqual([
      ['pexels', 'pexels'],
      ['pixabay', 'pixabay'],
      ['assets', 'assets'],
      ['offline', 'offline'],
    ]);
  });
});
