/**
 * Webhook delivery benchmark: N pending deliveries (2,000 by default) of one
 * org's endpoint, a receiver on 127.0.0.1 that verifies every request's
 * signature with the `standardwebhooks` package (as an outside receiver
 * would) and answers 200, and S senders (2 by default, as two scheduler
 * replicas) each running the scheduler's delivery round: deliverDueWebhooks
 * with a limit of C (16 by default, FENTA_WEBHOOK_CONCURRENCY's default),
 * batch after batch, until every delivery is recorded as delivered. So every
 * delivery pays what it pays in production: the lease claim, opening the
 * secret, signing, resolving and checking the address, a fresh connection,
 * and recording the outcome under the lease.
 *
 * A delivery's latency is the round it went out in, from the claim to the
 * last outcome recorded (a round waits for all its attempts). The baseline,
 * measured in the same run against the same receiver, is the least a signed
 * delivery costs: S×C loops that sign the same bodies and POST them on a
 * fresh connection each, touching no database. Ends with one line:
 * `deliveries=… per_s=… p99_ms=… baseline_per_s=… ratio=… duplicates=… bad_signatures=…`
 * (ratio = per_s / baseline_per_s; duplicates are requests for a webhook-id
 * already received).
 *
 *   node -r ./test/register-ts.cjs bench/webhooks-bench.ts [--deliveries 2000] [--concurrency 16] [--senders 2]
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { createLogger, issueWebhookSecret, webhookHeaders } from '../packages/core/src';
import { deliverDueWebhooks } from '../packages/webhooks/src';
import { startBenchStack } from './bench-stack';

export interface WebhooksBenchResult {
  deliveries: number;
  perSecond: number;
  p99Ms: number;
  baselinePerSecond: number;
  duplicates: number;
  badSignatures: number;
}

/** Verifies and counts what it is sent; every answer is 200 (a bad signature is counted, not refused, so the run still ends). */
async function startVerifyingReceiver(secret: string) {
  const verifier = new Webhook(secret);
  const seen = new Set<string>();
  const counts = { requests: 0, duplicates: 0, badSignatures: 0 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      counts.requests += 1;
      const id = String(request.headers['webhook-id'] ?? '');
      if (seen.has(id)) counts.duplicates += 1;
      seen.add(id);
      try {
        verifier.verify(Buffer.concat(chunks).toString('utf8'), request.headers as Record<string, string>);
      } catch {
        counts.badSignatures += 1;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    socket: `127.0.0.1:${port}`,
    port,
    counts,
    reset() {
      seen.clear();
      Object.assign(counts, { requests: 0, duplicates: 0, badSignatures: 0 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/hooks', method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runWebhooksBench(
  options: { deliveries?: number; concurrency?: number; senders?: number; log?: (line: string) => void } = {},
): Promise<WebhooksBenchResult> {
  const count = options.deliveries ?? 2_000;
  const concurrency = options.concurrency ?? 16;
  const senders = options.senders ?? 2;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Each sender holds one connection per attempt in flight while it records outcomes.
  const stack = await startBenchStack('webhooks', { poolSize: senders * concurrency + 2 });
  const secret = issueWebhookSecret();
  const receiver = await startVerifyingReceiver(secret);
  stack.onStop(() => receiver.close());
  const { db, orgId } = stack;
  try {
    const payload = (index: number) => ({ event: 'render.succeeded', org_id: orgId, job_id: `job_bench_${index}`, render_id: `render_bench_${index}` });

    // The baseline: the same bodies, signed and POSTed, no database.
    const lanes = senders * concurrency;
    let next = 0;
    const baselineLatencies: number[] = [];
    const baselineStarted = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let index = next++; index < count; index = next++) {
          const body = JSON.stringify({ type: 'render.succeeded', timestamp: new Date().toISOString(), data: payload(index) });
          const started = performance.now();
          const headers = webhookHeaders({ id: `msg_bench_${index}`, timestampS: Math.floor(Date.now() / 1000), body }, [secret]);
          const status = await post(receiver.port, body, headers);
          if (status !== 200) throw new Error(`the receiver answered ${status} to the baseline`);
          baselineLatencies.push(performance.now() - started);
        }
      }),
    );
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    const baselinePerSecond = count / baselineSeconds;
    baselineLatencies.sort((a, b) => a - b);
    log(
      `baseline (${lanes} sign-and-POST loops): ${count} in ${baselineSeconds.toFixed(2)} s, ${baselinePerSecond.toFixed(0)}/s, p99 ${percentile(baselineLatencies, 99).toFixed(1)} ms`,
    );
    if (receiver.counts.badSignatures > 0) throw new Error('the receiver refused signatures of the baseline');
    receiver.reset();

    const [webhook] = (
      await sql<{
        id: string;
      }>`INSERT INTO webhooks (org_id, url, events, secret) VALUES (${orgId}, ${receiver.url}, '{render.succeeded}', ${secret}) RETURNING id`.execute(db)
    ).rows;
    if (!webhook) throw new Error('the webhook was not created');
    await sql`SELECT fenta_enqueue_webhook_deliveries(${orgId}, 'render.succeeded',
                jsonb_build_object('event', 'render.succeeded', 'org_id', ${orgId}::text, 'job_id', 'job_bench_' || i, 'render_id', 'render_bench_' || i))
              FROM generate_series(1, ${count}) AS i`.execute(db);

    const logger = createLogger({ service: 'webhooks-bench', level: 'warn' });
    const deps = { db, logger, policy: { allowSockets: [receiver.socket] } };
    const latencies: number[] = [];
    let delivered = 0;
    let notDelivered = 0;
    let shown = 0;
    const started = performance.now();
    // The scheduler's delivery round (apps/scheduler/src/delivery-loop.ts), timed per batch.
    const sender = async () => {
      for (;;) {
        const roundStarted = performance.now();
        const results = await deliverDueWebhooks(deps, { limit: concurrency });
        const roundMs = performance.now() - roundStarted;
        for (const result of results) {
          latencies.push(roundMs);
          if (result.status === 'success' && result.recorded) delivered += 1;
          else notDelivered += 1;
        }
        if (delivered >= shown + count / 10) {
          shown = delivered - (delivered % (count / 10));
          log(`  ${delivered} delivered after ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
        if (results.length < concurrency) return;
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
    const seconds = (performance.now() - started) / 1000;
    const perSecond = delivered / seconds;
    latencies.sort((a, b) => a - b);

    const { rows } = await sql<{ success: number }>`
      SELECT count(*) FILTER (WHERE status = 'success')::int AS success FROM webhook_deliveries WHERE webhook_id = ${webhook.id}`.execute(db);
    const recordedSuccess = rows[0]?.success ?? 0;
    log(
      `deliverDueWebhooks (${senders} senders × ${concurrency}): ${delivered} of ${count} delivered in ${seconds.toFixed(2)} s, ${perSecond.toFixed(0)}/s; ` +
        `${recordedSuccess} recorded as delivered, ${notDelivered} not, ${receiver.counts.requests} requests received`,
    );
    if (recordedSuccess !== count || notDelivered > 0)
      throw new Error(`only ${recordedSuccess} of ${count} deliveries were recorded as delivered; logs in ${stack.dir}`);
    return {
      deliveries: count,
      perSecond,
      p99Ms: percentile(latencies, 99),
      baselinePerSecond,
      duplicates: receiver.counts.duplicates,
      badSignatures: receiver.counts.badSignatures,
    };
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { deliveries: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' }, senders: { type: 'string', default: '2' } },
  });
  const numbers = { deliveries: Number(values.deliveries), concurrency: Number(values.concurrency), senders: Number(values.senders) };
  if (!Object.values(numbers).every((value) => Number.isInteger(value) && value >= 1) || numbers.concurrency > 256 || numbers.senders > 8) {
    process.stderr.write('usage: ./fenta bench webhooks [--deliveries N] [--concurrency 1-256] [--senders 1-8]\n');
    process.exit(2);
  }
  runWebhooksBench(numbers).then(
    (result) => {
      process.stdout.write(
        `deliveries=${result.deliveries} per_s=${result.perSecond.toFixed(0)} p99_ms=${result.p99Ms.toFixed(1)} baseline_per_s=${result.baselinePerSecond.toFixed(0)} ` +
          `ratio=${(result.perSecond / result.baselinePerSecond).toFixed(2)} duplicates=${result.duplicates} bad_signatures=${result.badSignatures}\n`,
      );
      process.exit(result.duplicates > 0 || result.badSignatures > 0 ? 1 : 0);
    },
    (error: unknown) => {
      process.stderr.write(`webhooks bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
