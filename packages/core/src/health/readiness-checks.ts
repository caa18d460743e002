/**
 * One readiness check: resolves `'ok'` (or nothing) when the dependency is
 * usable, or a short reason it is not (`pending: 00009_x.sql`). A check that
 * rejects, or does not answer in time, reads `'down'`.
 */
export type ReadinessCheck = () => Promise<string | void>;

/** What a readiness probe answers: the status code to send and the body naming every check. */
export interface ReadinessReport {
  ready: boolean;
  body: { status: 'ok' | 'unavailable'; checks: Record<string, string> };
}

/** How long one check may take; a probe must answer well within a load balancer's own timeout. */
export const defaultCheckTimeoutMs = 2_000;

/** Runs every check at once and reports each by name; ready only when all say `ok`. */
export async function runReadinessChecks(checks: Record<string, ReadinessCheck>, options: { timeoutMs?: number } = {}): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? defaultCheckTimeoutMs;
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runOne(checks[name]!, timeoutMs)));
  const ready = results.every((result) => result === 'ok');
  return { ready, body: { status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(names.map((name, i) => [name, results[i]!])) } };
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      check(),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('down'), timeoutMs);
      }),
    ]);
    return typeof result === 'string' && result !== '' ? result : 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
