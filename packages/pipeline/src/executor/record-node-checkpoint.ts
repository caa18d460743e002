import type { Kysely, Transaction } from 'kysely';
import { FentaError } from '@fenta/core';
import { addJobCosts, completeJobNode, insertUsageOnce, type DB, type JobRunKey, type NewUsageRecord } from '@fenta/db';
import type { UsageInput } from '../nodes/node-context';
import { priceUsage, type PriceTable } from '../usage/price-table';

/** The usage one try of a node recorded, by its number within the run (1 for the run's first try). */
export interface AttemptUsage {
  attempt: number;
  usage: UsageInput[];
}

export interface CheckpointInput {
  userId: string | null;
  nodeId: string;
  output: unknown;
  usage: UsageInput[];
  /** What the node's failed tries before this one were billed for: paid calls are counted whether or not their try succeeded. */
  failedAttempts?: AttemptUsage[];
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
  const priced = [
    ...(input.failedAttempts ?? []).flatMap(({ attempt, usage }) => pricedUsage(run, input, usage, attempt)),
    ...pricedUsage(run, input, input.usage),
  ];
  const { records, totals } = usageRecords(run, input, priced);
  await db.transaction().execute(async (trx) => {
    await insertUsageWithCosts(trx, run, records, totals, input.leaseMs);
    await completeJobNode(trx, {
      jobId: run.jobId,
      orgId: run.orgId,
      nodeId: input.nodeId,
      output: input.output,
      costUsd: totals.usd,
      usage: input.usage,
      durationMs: input.durationMs,
    });
  });
  return { costUsd: totals.usd };
}

/**
 * Writes the usage of a node's tries that failed (or were stopped) and the
 * job's cost totals, in one transaction under the run's lease: a provider
 * bills a call that answered even when a later step of the node failed.
 * Each try's records carry the run's token and the try's number in their
 * keys: unique to the try, so no two tries (of this run or another) share one.
 */
export async function recordFailedAttemptsUsage(
  db: Kysely<DB>,
  run: JobRunKey,
  input: { userId: string | null; nodeId: string; attempts: AttemptUsage[]; prices: PriceTable; leaseMs: number },
): Promise<{ costUsd: number }> {
  const priced = input.attempts.flatMap(({ attempt, usage }) => pricedUsage(run, input, usage, attempt));
  if (priced.length === 0) return { costUsd: 0 };
  const { records, totals } = usageRecords(run, input, priced);
  await db.transaction().execute((trx) => insertUsageWithCosts(trx, run, records, totals, input.leaseMs));
  return { costUsd: totals.usd };
}

interface PricedUsage {
  usage: UsageInput;
  cost: number;
  key: string;
}

/**
 * A try's usage priced, with its idempotency keys: the checkpointing try keeps the plain
 * `job:node:resource:index` (a node checkpoints once), a failed one adds its run and try,
 * `job:node:run-<token>:try-N:resource:index`.
 */
function pricedUsage(run: JobRunKey, input: { nodeId: string; prices: PriceTable }, usage: UsageInput[], failedAttempt?: number): PricedUsage[] {
  const prefix = failedAttempt === undefined ? `${run.jobId}:${input.nodeId}` : `${run.jobId}:${input.nodeId}:run-${run.token}:try-${failedAttempt}`;
  return usage.map((entry, index) => ({ usage: entry, cost: priceUsage(input.prices, entry), key: `${prefix}:${entry.resource}:${index}` }));
}

type CostTotals = { tokens: number; renderSeconds: number; kaiCredits: number; usd: number };

/** Costs are added only when the records are new, so a replayed write adds nothing. */
async function insertUsageWithCosts(trx: Transaction<DB>, run: JobRunKey, records: UsageRow[], totals: CostTotals, leaseMs: number): Promise<void> {
  const inserted = await insertUsageOnce(trx, records);
  const costs = inserted > 0 ? totals : { tokens: 0, renderSeconds: 0, kaiCredits: 0, usd: 0 };
  if (!(await addJobCosts(trx, run, costs, leaseMs))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
}

type UsageRow = NewUsageRecord & { idempotency_key: string };

function usageRecords(run: JobRunKey, input: { userId: string | null; nodeId: string }, priced: PricedUsage[]): { records: UsageRow[]; totals: CostTotals } {
  const totals: CostTotals = { tokens: 0, renderSeconds: 0, kaiCredits: 0, usd: priced.reduce((sum, entry) => sum + entry.cost, 0) };
  const records = priced.map(({ usage, cost, key }) => {
    const record: UsageRow = {
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
  return { records, totals };
}
