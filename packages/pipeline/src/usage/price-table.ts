import type { UsageInput } from '../nodes/node-context';

/** What each resource costs, in USD. Configured per deployment; the defaults are list prices at the time of writing. */
export interface PriceTable {
  /** Per million tokens, by model; `default` prices any model not listed. */
  llm: Record<string, { promptPerMillion: number; outputPerMillion: number }>;
  renderSecond: number;
  storageGigabyte: number;
  kaiCredit: number;
}

export const defaultPriceTable: PriceTable = {
  llm: {
    default: { promptPerMillion: 0.15, outputPerMillion: 0.6 },
    'gpt-4o-mini': { promptPerMillion: 0.15, outputPerMillion: 0.6 },
    'gpt-4o': { promptPerMillion: 2.5, outputPerMillion: 10 },
    offline: { promptPerMillion: 0, outputPerMillion: 0 },
  },
  renderSecond: 0.0005,
  storageGigabyte: 0.023,
  kaiCredit: 0.01,
};

/** The cost of one usage, rounded to the 4 decimals `usage_records.cost_usd` keeps. */
export function priceUsage(prices: PriceTable, usage: UsageInput): number {
  let cost: number;
  switch (usage.resource) {
    case 'llm_tokens': {
      const rate = prices.llm[usage.model] ?? prices.llm.default ?? { promptPerMillion: 0, outputPerMillion: 0 };
      cost = (usage.promptTokens * rate.promptPerMillion + usage.outputTokens * rate.outputPerMillion) / 1_000_000;
      break;
    }
    case 'render_seconds':
      cost = usage.seconds * prices.renderSecond;
      break;
    case 'storage':
      cost = (usage.bytes / 1024 ** 3) * prices.storageGigabyte;
      break;
    case 'kai_credits':
      cost = usage.credits * prices.kaiCredit;
      break;
  }
  return Math.round(cost * 10_000) / 10_000;
}
