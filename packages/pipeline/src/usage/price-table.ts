import { z } from 'zod';
import type { UsageInput } from '../nodes/node-context';

/** What each resource costs, in USD. Configured per deployment; the defaults are list prices at the time of writing. */
export interface PriceTable {
  /** Per million tokens, by model; `default` prices any model not listed. */
  llm: Record<string, { promptPerMillion: number; outputPerMillion: number }>;
  /** Speech synthesis per thousand characters of input, by model; `default` prices any model not listed. */
  tts: Record<string, { perThousandCharacters: number }>;
  /** Transcription per minute of audio, by model; `default` prices any model not listed. */
  transcription: Record<string, { perMinute: number }>;
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
  // gpt-4o-mini-tts is billed by tokens; $0.015 per 1,000 characters is OpenAI's estimate of what that comes to.
  tts: {
    default: { perThousandCharacters: 0.015 },
    'gpt-4o-mini-tts': { perThousandCharacters: 0.015 },
    'tts-1': { perThousandCharacters: 0.015 },
    'tts-1-hd': { perThousandCharacters: 0.03 },
  },
  transcription: {
    default: { perMinute: 0.006 },
    'whisper-1': { perMinute: 0.006 },
    'gpt-4o-mini-transcribe': { perMinute: 0.003 },
    'gpt-4o-transcribe': { perMinute: 0.006 },
  },
  renderSecond: 0.0005,
  storageGigabyte: 0.023,
  kaiCredit: 0.01,
};

const rate = z.number({ message: 'must be a number of USD' }).finite().min(0, 'must not be negative');
const llmRate = z.strictObject({ promptPerMillion: rate, outputPerMillion: rate });
const ttsRate = z.strictObject({ perThousandCharacters: rate });
const transcriptionRate = z.strictObject({ perMinute: rate });

/**
 * What `FENTA_PRICES` may override: any of the prices, each model of the
 * `llm`, `tts` and `transcription` tables on its own (the others, `default`
 * among them, keep their list price). Unknown keys are refused, so a typo is
 * an error, not a price of 0.
 */
export const priceOverridesSchema = z.strictObject({
  llm: z.record(z.string().min(1), llmRate).optional(),
  tts: z.record(z.string().min(1), ttsRate).optional(),
  transcription: z.record(z.string().min(1), transcriptionRate).optional(),
  renderSecond: rate.optional(),
  storageGigabyte: rate.optional(),
  kaiCredit: rate.optional(),
});

export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/** The default prices with `overrides` laid over them, model by model for the per-model tables. */
export function withPriceOverrides(overrides: PriceOverrides, base: PriceTable = defaultPriceTable): PriceTable {
  return {
    llm: { ...base.llm, ...overrides.llm },
    tts: { ...base.tts, ...overrides.tts },
    transcription: { ...base.transcription, ...overrides.transcription },
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
      const modelRate = rateOf(prices.llm, usage.model);
      cost = (usage.promptTokens * modelRate.promptPerMillion + usage.outputTokens * modelRate.outputPerMillion) / 1_000_000;
      break;
    }
    case 'tts_characters':
      cost = (usage.characters * rateOf(prices.tts, usage.model).perThousandCharacters) / 1_000;
      break;
    case 'transcription_minutes':
      cost = usage.minutes * rateOf(prices.transcription, usage.model).perMinute;
      break;
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

/** The model's rate, or the table's `default`. */
function rateOf<Rate>(table: Record<string, Rate>, model: string): Rate {
  const modelRate = table[model] ?? table.default;
  // The tables always have `default` (overrides are merged model by model), so a missing one is a bug, not a free model.
  if (!modelRate) throw new Error(`the price table has no rate for ${model} and no default`);
  return modelRate;
}
