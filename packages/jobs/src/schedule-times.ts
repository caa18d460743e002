import { CronExpressionParser } from 'cron-parser';

/**
 * When a schedule fires: the one reading of a schedule's cron expression and
 * time zone, shared by the API (which checks them and shows the next fire
 * times) and the scheduler (which fires them), so both agree on every
 * instant, daylight-saving changes included.
 *
 * Expressions are the five classic fields (minute hour day-of-month month
 * day-of-week, names and `L`, `W`, `#` allowed) or one of the `@` aliases
 * below, read in an IANA zone. No seconds field: a schedule starts a render,
 * so it fires at most once a minute. No `H` (hashed) values: their minute
 * depends on a seed, and the times shown must be the times fired.
 *
 * Daylight-saving changes, as cron-parser reads them: a wall-clock time that
 * a spring-forward change skips fires the same instant it would have without
 * the change (02:30 in Berlin on the last Sunday of March is 03:30 CEST,
 * 01:30 UTC), so a daily schedule never loses its day; a time that the
 * autumn change repeats fires once, at its first occurrence.
 */

/** A schedule's timing once checked: the expression with its fields single-spaced, and the zone's canonical IANA name. */
export interface ScheduleTiming {
  cron: string;
  timezone: string;
}

/** Why a schedule's timing was refused: which field, and what is wrong with it. */
export interface ScheduleTimingProblem {
  field: 'cron' | 'timezone';
  message: string;
}

export type ScheduleTimingCheck = { ok: true; timing: ScheduleTiming } | { ok: false; problem: ScheduleTimingProblem };

const aliases = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

// A standalone H (H, H/5, H(0-29)); the H of THU or MARCH is part of a name.
const hashedValue = /(?<![a-z])h(?![a-z])/i;

// IANA names are letters, digits and _ + - in /-separated parts (Europe/Berlin, Etc/GMT+5, UTC).
// Intl also accepts other forms on some Node versions (offsets such as +01:00): not zones a schedule is read in.
const ianaName = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Checks a schedule's cron expression and time zone; the first problem names its field. */
export function checkScheduleTiming(input: { cron: string; timezone: string }): ScheduleTimingCheck {
  const timezone = canonicalTimeZone(input.timezone);
  const cron = input.cron.trim().split(/\s+/).join(' ');
  const cronProblem = cronShapeProblem(cron);
  if (cronProblem) return { ok: false, problem: { field: 'cron', message: cronProblem } };
  if (!timezone)
    return { ok: false, problem: { field: 'timezone', message: `${JSON.stringify(input.timezone)} is not an IANA time zone (e.g. Europe/Berlin, UTC)` } };
  try {
    // Parsing reads the fields; the first next() finds expressions no date satisfies (30 February).
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
  } catch (error) {
    return { ok: false, problem: { field: 'cron', message: `does not parse: ${error instanceof Error ? error.message : String(error)}` } };
  }
  return { ok: true, timing: { cron, timezone } };
}

/** The canonical IANA name of `zone` (`europe/berlin` → `Europe/Berlin`), or undefined when it is not one. */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!ianaName.test(zone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The next `count` instants a checked timing fires at, strictly after `after`. */
export function nextFireTimes(timing: ScheduleTiming, after: Date, count: number): Date[] {
  const times: Date[] = [];
  for (const time of fireTimesAfter(timing, after)) {
    times.push(time);
    if (times.length === count) break;
  }
  return times;
}

const minuteMs = 60_000;
/** How far past a change of offset a restarted reading looks for the next tick before the timing counts as unreadable. */
const maxRestartMinutes = 180;

/**
 * The instants a checked timing fires at after `after`, in order, each later
 * than the one before. cron-parser fails at some changes of offset (an hourly
 * schedule in Australia/Lord_Howe, whose clocks go back 30 minutes, throws
 * "loop limit exceeded" and, read from just after, answers a time before
 * the one asked after), so where it throws or goes backwards the reading
 * starts again a minute later, until it moves forward.
 */
function* fireTimesAfter(timing: ScheduleTiming, after: Date): Generator<Date, never> {
  // From 1 ms before a minute, the next tick read may be that minute itself.
  const read = (from: number) => CronExpressionParser.parse(timing.cron, { tz: timing.timezone, currentDate: new Date(from), strict: false });
  let last = after.getTime();
  let expression = read(last);
  const step = (): number => {
    for (let restart = 1; ; restart++) {
      try {
        const candidate = expression.next().toDate().getTime();
        if (candidate > last) return candidate;
      } catch (error) {
        if (restart > maxRestartMinutes) throw error;
      }
      if (restart > maxRestartMinutes) throw new Error(`no tick after ${new Date(last).toISOString()} reads within ${maxRestartMinutes / 60} hours`);
      expression = read(last + restart * minuteMs - 1);
    }
  };
  for (;;) {
    last = step();
    yield new Date(last);
  }
}

/** What a schedule does about ticks it missed: run the last of them once, or none. */
export type MissedRunsPolicy = 'run_last' | 'skip';

/** What firing a due schedule does now: the tick to run (if any), how many ticks it passes over, and its next tick after. */
export interface TickPlan {
  run: Date | null;
  /** Missed ticks not run (older than the grace period); `skippedCapped` when there were more than could be counted. */
  skipped: number;
  skippedCapped: boolean;
  next: Date;
}

/** Missed ticks counted one by one at most this many (a per-minute schedule after a week away): the count says "at least". */
const maxCountedTicks = 10_000;

/**
 * The plan for a schedule whose next tick, `due`, has come (`due` <= `now`).
 * A tick no older than `graceMs` is on time: it runs, and the next tick after
 * it is next, so ticks missed by a short outage run in order, each once. Ticks
 * older than that were missed: with `run_last` the last missed one runs and
 * the others are skipped; with `skip` none runs. Either way the next tick is
 * the first after the last missed one (it may have come already: it runs on
 * the next claim).
 */
export function planScheduleTick(timing: ScheduleTiming, due: Date, now: Date, graceMs: number, missedRuns: MissedRunsPolicy): TickPlan {
  const after = (instant: Date) => nextFireTimes(timing, instant, 1)[0]!;
  const missedBefore = now.getTime() - graceMs;
  if (due.getTime() >= missedBefore) return { run: due, skipped: 0, skippedCapped: false, next: after(due) };
  // Forward only, the way ticks are fired and shown: cron-parser's prev() disagrees with next() across
  // daylight-saving changes (it passes over a spring day and lands on the second of a repeated hour).
  const { last: lastMissed, count, capped } = lastTickBefore(timing, due, missedBefore);
  const next = after(lastMissed);
  if (missedRuns === 'run_last') return { run: lastMissed, skipped: count - 1, skippedCapped: capped, next };
  return { run: null, skipped: count, skippedCapped: capped, next };
}

/**
 * The last tick from `first` (a tick itself) that is before `before`, and
 * how many there are. Past `maxCountedTicks` the count stops, and the walk
 * goes on from two days before `before` (a schedule that fired that often has
 * ticks there); if it has none there, the last counted tick stands.
 */
function lastTickBefore(timing: ScheduleTiming, first: Date, before: number): { last: Date; count: number; capped: boolean } {
  const walk = (from: Date, limit: number) => {
    let last: Date | undefined;
    let count = 0;
    for (const tick of fireTimesAfter(timing, from)) {
      if (tick.getTime() >= before || count >= limit) break;
      last = tick;
      count++;
    }
    return { last, count };
  };
  const counted = walk(new Date(first.getTime() - 1), maxCountedTicks);
  if (counted.count < maxCountedTicks) return { last: counted.last ?? first, count: Math.max(counted.count, 1), capped: false };
  const tail = walk(new Date(Math.max(counted.last!.getTime(), before - 2 * 24 * 3_600_000)), Number.POSITIVE_INFINITY);
  return { last: tail.last ?? counted.last!, count: maxCountedTicks, capped: true };
}

/** `date` as ISO 8601 wall-clock time in `timezone` with its offset that instant: `2025-03-30T03:30:00+02:00`. */
export function formatInTimeZone(date: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // longOffset is `GMT+02:00`, or `GMT` at offset zero.
  const offset = part('timeZoneName').replace(/^GMT/, '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset.slice(0, 6)}`;
}

function cronShapeProblem(cron: string): string | undefined {
  if (cron.startsWith('@')) return aliases.has(cron) ? undefined : `must be one of the aliases ${[...aliases].join(', ')}`;
  const fields = cron.split(' ');
  if (cron === '' || fields.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), not ${cron === '' ? 0 : fields.length}`;
  if (hashedValue.test(cron)) return 'must not use H (hashed) values';
  return undefined;
}
