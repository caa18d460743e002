import { FentaError } from '@fenta/core';
import type { z } from 'zod';

/** Checks a search answer against its schema; PROVIDER_RESPONSE_INVALID names the first field that does not fit. */
export function parseSearchAnswer<T>(schema: z.ZodType<T>, body: unknown, provider: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new FentaError('PROVIDER_RESPONSE_INVALID', {
    provider,
    reason: `search answer at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'unexpected shape'}`,
  });
}
