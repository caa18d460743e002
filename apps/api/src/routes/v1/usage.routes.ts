import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FentaError } from '@fenta/core';
import { dailyUsage, findQuotaLimits, type QuotaLimit } from '@fenta/db';
import type { ApiContext } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { asTenant, callerOf } from '../../tenancy/as-tenant';

const day = Type.String({ format: 'date', description: 'A UTC day, `YYYY-MM-DD`.' });
const decimal = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'An exact decimal.' });

/** The longest range one request may ask for. */
const maxDays = 366;
const dayMs = 86_400_000;

const usageSchema = Type.Object({
  from: day,
  to: day,
  days: Type.Array(
    Type.Object({
      date: day,
      tokens: Type.Number({ description: 'LLM tokens, prompt and output.' }),
      kai_credits: Type.Number(),
      render_seconds: Type.Number(),
      tts_characters: Type.Number({ description: 'Characters sent to a paid speech synthesizer.' }),
      transcription_minutes: Type.Number({ description: 'Minutes of audio sent to a paid transcriber.' }),
      cost_usd: decimal,
    }),
    { description: 'The days of the range with usage, oldest first (a day without usage has no entry); as of the last refresh of the daily view.' },
  ),
  quotas: Type.Array(
    Type.Object({
      resource: Type.Union([Type.Literal('tokens'), Type.Literal('render_seconds'), Type.Literal('kai_credits'), Type.Literal('storage_bytes')]),
      limit: Type.Union([Type.Number(), Type.Null()], { description: 'null: unlimited.' }),
      used: Type.Number({ description: 'Used in the current period.' }),
      remaining: Type.Union([Type.Number(), Type.Null()], { description: 'null: unlimited; 0 once the limit is reached.' }),
      reset_at: Type.String({ format: 'date-time', description: 'When the current period ends and the counters start again.' }),
    }),
    { description: 'The quota of each resource; empty when the org has no quota (it is not metered against limits).' },
  ),
  overage: Type.Union(
    [
      Type.Object({
        allowed: Type.Boolean({ description: 'Whether work goes on past a limit, billed as overage.' }),
        cap_usd: Type.Union([decimal, Type.Null()], { description: 'Most overage per period; null: no cap.' }),
        used_usd: decimal,
      }),
      Type.Null(),
    ],
    { description: 'Overage in the current period; null when the org has no quota.' },
  ),
});

/**
 * `GET /v1/usage`: the org's usage per UTC day (mv_daily_usage, refreshed by
 * the scheduler's upkeep) over a range, and where it stands against its
 * quota now (quota_limits). A period past its reset_at whose counters no
 * usage has reset yet reads as the new, empty period, as check_quota does.
 */
export async function registerUsageRoutes(parent: FastifyInstance, { db, clock }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/usage',
    {
      config: { scope: 'usage:read' },
      schema: {
        tags: ['usage'],
        summary: "The org's usage per day and its quota state",
        querystring: Type.Object({
          from: Type.Optional(
            Type.String({ format: 'date', description: 'First day (UTC, `YYYY-MM-DD`), inclusive; the first day of the month of `to` if left out.' }),
          ),
          to: Type.Optional(
            Type.String({ format: 'date', description: 'Last day (UTC, `YYYY-MM-DD`), inclusive; today if left out. Less than 366 days after `from`.' }),
          ),
        }),
        response: { 200: usageSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const now = clock();
      const today = now.toISOString().slice(0, 10);
      const to = request.query.to ?? today;
      const from = request.query.from ?? `${to.slice(0, 7)}-01`;
      const spanDays = (Date.parse(to) - Date.parse(from)) / dayMs;
      if (spanDays < 0) throw rangeProblem('querystring.from', 'must not be after to');
      if (spanDays >= maxDays) throw rangeProblem('querystring.to', `must be less than ${maxDays} days after from`);

      const caller = callerOf(request);
      // The daily view has no row-level security, so it is read as the system for the caller's org only.
      const [days, quota] = await Promise.all([dailyUsage(db, caller.orgId, from, to), asTenant(db, request, ({ trx }) => findQuotaLimits(trx, caller.orgId))]);
      return {
        from,
        to,
        days: days.map((row) => ({
          date: row.date,
          tokens: row.total_tokens,
          kai_credits: row.total_kai_credits,
          render_seconds: Number(row.total_render_seconds),
          tts_characters: row.total_tts_characters,
          transcription_minutes: Number(row.total_transcription_minutes),
          cost_usd: row.total_cost_usd,
        })),
        ...quotaView(quota, now),
      };
    },
  );
}

function quotaView(quota: QuotaLimit | undefined, now: Date) {
  if (!quota) return { quotas: [], overage: null };
  const over = quota.reset_at.getTime() <= now.getTime();
  // The period ended and no usage has reset the counters yet: the new period, from zero, to the first of next month (UTC).
  const resetAt = over ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) : quota.reset_at;
  const resource = (name: 'tokens' | 'render_seconds' | 'kai_credits' | 'storage_bytes', limit: number | null, used: number) => {
    const current = over ? 0 : used;
    return { resource: name, limit, used: current, remaining: limit === null ? null : Math.max(limit - current, 0), reset_at: resetAt.toISOString() };
  };
  return {
    quotas: [
      resource('tokens', quota.tokens_limit, quota.tokens_used),
      resource('render_seconds', quota.render_seconds_limit, Number(quota.render_seconds_used)),
      resource('kai_credits', quota.kai_credits_limit, quota.kai_credits_used),
      resource('storage_bytes', quota.storage_bytes_limit, quota.storage_bytes_used),
    ],
    overage: { allowed: quota.allow_overage, cap_usd: quota.overage_cap_usd, used_usd: over ? '0' : quota.overage_used_usd },
  };
}

function rangeProblem(path: string, message: string): FentaError {
  return new FentaError('REQUEST_INVALID', { reason: `${path} ${message}` }, { details: { problems: [{ path, message }] } });
}
