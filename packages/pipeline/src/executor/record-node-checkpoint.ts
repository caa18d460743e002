import { sql, type Kysely } from 'kysely';
import { completeJobNode, insertUsageOnce, type DB, type NewUsageRecord } from '@fenta/db';
import type { UsageInput } from '../nodes/node-context';
import { priceUsage, type PriceTable } from '../usage/price-table';

export interface CheckpointInput {
  jobId: string;
  orgId: string;
  userId: string | null;
  nodeId: string;
  output: unknown;
  usage: UsageInput[];
  durationMs: number;
  prices: PriceTable;
}

/**
 * Writes a node's checkpoint, its usage records and the job's cost totals in
 * one transaction: either all of it lands or none, so a node that completed
 * is never run again and its usage is never counted twice.
 */
export async function recordNodeCheckpoint(db: Kysely<DB>, input: CheckpointInput): Promise<{ costUsd: number }> {
  const priced = input.usage.map((usage, index) => ({ usage, cost: priceUsage(input.prices, usage), key: `${input.jobId}:${input.nodeId}:${usage.resource}:${index}` }));
  const costUsd = priced.reduce((sum, entry) => sum + entry.cost, 0);
  const totals = { tokens: 0, renderSeconds: 0, kaiCredits: 0 };
  const records = priced.map(({ usage, cost, key }) => {
    const record: NewUsageRecord & { idempotency_key: string } = {
      org_id: input.orgId,
      user_id: input.userId,
      job_id: input.jobId,
      node_id: input.nodeId,
      resource_type: usage.resource === 'storage' ? 'storage' : usage.resource,
      cost_usd: cost.toFixed(4),
      idempotency_key: key,
    };
    switch (usage.resource) {
      case 'llm_tokens':
        Object.assign(record, { llm_model: usage.model, llm_tokens_prompt: usage.promptTokens, llm_tokens_output: usage.outputTokens });
        totals.tokens += usage.promptTokens + usage.outputTokens;
        break;
      case 'render_seconds':
        Object.assign(record, { render_seconds: usage.seconds.toFixed(2), render_profile: usage.profile });
        totals.renderSeconds += usage.seconds;
        break;
      case 'storage':
        Object.assign(record, { storage_bytes: usage.bytes });
        break;
      case 'kai_credits':
        Object.assign(record, { kai_credits: usage.credits, kai_model: usage.model });
        totals.kaiCredits += usage.credits;
        break;
    }
    return record;
  });

  await db.transaction().execute(async (trx) => {
    await completeJobNode(trx, { jobId: input.jobId, nodeId: input.nodeId, output: input.output, costUsd, usage: input.usage, durationMs: input.durationMs });
    const inserted = await insertUsageOnce(trx, records);
    if (inserted > 0) {
      await trx
        .updateTable('jobs')
        .set({
          cost_tokens: sql`cost_tokens + ${totals.tokens}`,
          cost_render_seconds: sql`cost_render_seconds + ${totals.renderSeconds.toFixed(2)}::numeric`,
          cost_kai_credits: sql`cost_kai_credits + ${totals.kaiCredits}`,
          cost_total_usd: sql`cost_total_usd + ${costUsd.toFixed(4)}::numeric`,
        })
        .where('id', '=', input.jobId)
        .execute();
    }
  });
  return { costUsd };
}
