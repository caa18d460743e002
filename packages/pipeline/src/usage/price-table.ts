import { z } from 'zod';
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

const rate = z.number({ message: 'must be a number of USD' }).finite().min(0, 'must not be negative');
const llmRate = z.strictObject({ promptPerMillion: rate, outputPerMillion: rate });

/**
 * What `FENTA_PRICES` may override: any of the prices, each model of the
 * `llm` table on its own (the others, `default` among them, keep their list
 * price). Unknown keys are refused, so a typo is an error, not a price of 0.
 */
export const priceOverridesSchema = z.strictObject({
  llm: z.record(z.string().min(1), llmRate).optional(),
  renderSecond: rate.optional(),
  storageGigabyte: rate.optional(),
  kaiCredit: rate.optional(),
});

export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** The default prices with `overrides` laid over them, model by model for the llm table. */
export function withPriceOverrides(overrides: PriceOverrides, base: PriceTable = defaultPriceTable): PriceTable {
  return {
    llm: { ...base.llm, ...overrides.llm },
    renderSecond: overrides.renderSecond ?? base.renderSecond,
    storageGigabyte: overrides.storageGigabyte ?? base.storageGigabyte,
    kaiCredit: overrides.kaiCredit ?? base.kaiCredit,
  };
}

/** The cost of one usage, rounded to the 4 decimals `usage_records.cost_usd` keeps. */
export function priceUsage(prices: PriceTable, usage: UsageInput): number {
  let cost: number;
  switch (usage.resource) {
    case 'llm_tokens': {
      const modelRate = prices.llm[usage.model] ?? prices.llm.default;
      // The table always has `default` (overrides are merged model by model), so a missing one is a bug, not a free model.
      if (!modelRate) throw new Error(`the price table has no rate for ${usage.model} and no default`);
      cost = (usage.promptTokens * modelRate.promptPerMillion + usage.outputTokens * modelRate.outputPerMillion) / 1_000_000;
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
