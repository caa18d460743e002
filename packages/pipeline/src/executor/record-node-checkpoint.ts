import type { Kysely } from 'kysely';
import { FentaError } from '@fenta/core';
import { addJobCosts, completeJobNode, insertUsageOnce, type DB, type JobRunKey, type NewUsageRecord } from '@fenta/db';
import type { UsageInput } from '../nodes/node-context';
import { priceUsage, type PriceTable } from '../usage/price-table';

export interface CheckpointInput {
  userId: string | null;
  nodeId: string;
  output: unknown;
  usage: UsageInput[];
  durationMs: number;
  prices: PriceTable;
  leaseMs: number;
}

/**
 * Writes a node's checkpoint, its usage records and the job's cost totals in
 * one transaction: either all of it lands or none, so a node that completed
 * is never run again and its usage is never counted twice. The transaction
 * starts by renewing the run's lease; a run that lost the job writes nothing
 * (JOB_LEASE_LOST).
 */
export async function recordNodeCheckpoint(db: Kysely<DB>, run: JobRunKey, input: CheckpointInput): Promise<{ costUsd: number }> {
  const priced = input.usage.map((usage, index) => ({
    usage,
    cost: priceUsage(input.prices, usage),
    key: `${run.jobId}:${input.nodeId}:${usage.resource}:${index}`,
  }));
  const costUsd = priced.reduce((sum, entry) => sum + entry.cost, 0);
  const totals = { tokens: 0, renderSeconds: 0, kaiCredits: 0, usd: 0 };
  const records = priced.map(({ usage, cost, key }) => {
    const record: NewUsageRecord & { idempotency_key: string } = {
      org_id: run.orgId,
      user_id: input.userId,
      job_id: run.jobId,
      node_id: input.nodeId,
      resource_type: usage.resource,
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
      // Speech has no cost column of its own on the job: it counts in cost_total_usd only.
      case 'tts_characters':
        Object.assign(record, { tts_characters: usage.characters, tts_model: usage.model });
        break;
      case 'transcription_minutes':
        Object.assign(record, { transcription_minutes: usage.minutes.toFixed(4), transcription_model: usage.model });
        break;
    }
    return record;
  });

  await db.transaction().execute(async (trx) => {
    const inserted = await insertUsageOnce(trx, records);
    // Costs are added only for usage not recorded before, so a replayed checkpoint adds nothing.
    const costs = inserted > 0 ? { ...totals, usd: costUsd } : { tokens: 0, renderSeconds: 0, kaiCredits: 0, usd: 0 };
    if (!(await addJobCosts(trx, run, costs, input.leaseMs))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    await completeJobNode(trx, {
      jobId: run.jobId,
      orgId: run.orgId,
      nodeId: input.nodeId,
      output: input.output,
      costUsd,
      usage: input.usage,
      durationMs: input.durationMs,
    });
  });
  return { costUsd };
}
