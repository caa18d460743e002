import { canonicalTimeZone, checkScheduleTiming, formatInTimeZone, nextFireTimes, planScheduleTick, type ScheduleTiming } from '../src/schedule-times';

const fires = (timing: ScheduleTiming, after: string, count = 5) =>
  nextFireTimes(timing, new Date(after), count).map((date) => formatInTimeZone(date, timing.timezone));

describe('schedule times', () => {
  it('fires a daily 02:30 in Berlin across the spring-forward change without losing the day', () => {
    // 2025-03-30 is the last Sunday of March: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
    expect(fires({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2025-03-27T12:00:00Z')).toEqual([
      '2025-03-28T02:30:00+01:00',
      '2025-03-29T02:30:00+01:00',
      '2025-03-30T03:30:00+02:00',
      '2025-03-31T02:30:00+02:00',
      '2025-04-01T02:30:00+02:00',
    ]);
    expect(nextFireTimes({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, new Date('2025-03-29T12:00:00Z'), 2).map((d) => d.toISOString())).toEqual([
      '2025-03-30T01:30:00.000Z',
      '2025-03-31T00:30:00.000Z',
    ]);
  });

  it('fires a time the autumn change repeats once, at its first occurrence', () => {
    // 2025-10-26: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice.
    expect(fires({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2025-10-24T12:00:00Z', 4)).toEqual([
      '2025-10-25T02:30:00+02:00',
      '2025-10-26T02:30:00+02:00',
      '2025-10-27T02:30:00+01:00',
      '2025-10-28T02:30:00+01:00',
    ]);
  });

  it('fires an hourly schedule every hour of the night New York falls back, each instant once', () => {
    // 2025-11-02 06:00 UTC: 02:00 EDT becomes 01:00 EST, so 01:00 comes twice, an hour apart.
    expect(fires({ cron: '0 * * * *', timezone: 'America/New_York' }, '2025-11-02T03:30:00Z', 4)).toEqual([
      '2025-11-02T00:00:00-04:00',
      '2025-11-02T01:00:00-04:00',
      '2025-11-02T01:00:00-05:00',
      '2025-11-02T02:00:00-05:00',
    ]);
  });

  it('keeps a daily 02:30 in Sydney across both changes of the southern year', () => {
    // 2025-10-05: 02:00 AEST jumps to 03:00 AEDT; 2025-04-06: 03:00 AEDT goes back to 02:00 AEST.
    expect(fires({ cron: '30 2 * * *', timezone: 'Australia/Sydney' }, '2025-10-03T00:00:00Z', 3)).toEqual([
      '2025-10-04T02:30:00+10:00',
      '2025-10-05T03:30:00+11:00',
      '2025-10-06T02:30:00+11:00',
    ]);
    expect(fires({ cron: '30 2 * * *', timezone: 'Australia/Sydney' }, '2025-04-04T00:00:00Z', 3)).toEqual([
      '2025-04-05T02:30:00+11:00',
      '2025-04-06T02:30:00+11:00',
      '2025-04-07T02:30:00+10:00',
    ]);
  });

  it('reads on through a half-hour change of offset, where cron-parser alone throws', () => {
    // Lord Howe Island, 2025-04-06 15:00 UTC: 02:00 +11:00 becomes 01:30 +10:30.
    expect(fires({ cron: '0 * * * *', timezone: 'Australia/Lord_Howe' }, '2025-04-05T13:30:00Z', 4)).toEqual([
      '2025-04-06T01:00:00+11:00',
      '2025-04-06T02:00:00+10:30',
      '2025-04-06T03:00:00+10:30',
      '2025-04-06T04:00:00+10:30',
    ]);
    // The repeated half hour fires once, at its first occurrence, as everywhere else.
    expect(fires({ cron: '*/15 * * * *', timezone: 'Australia/Lord_Howe' }, '2025-04-05T14:10:00Z', 4)).toEqual([
      '2025-04-06T01:15:00+11:00',
      '2025-04-06T01:30:00+11:00',
      '2025-04-06T01:45:00+11:00',
      '2025-04-06T02:00:00+10:30',
    ]);
  });

  it('reads the expression in its zone, and counts strictly after the given instant', () => {
    expect(fires({ cron: '0 9 * * 1-5', timezone: 'America/New_York' }, '2025-03-07T14:00:00Z', 3)).toEqual([
      '2025-03-10T09:00:00-04:00',
      '2025-03-11T09:00:00-04:00',
      '2025-03-12T09:00:00-04:00',
    ]);
    expect(fires({ cron: '0 * * * *', timezone: 'UTC' }, '2025-01-01T10:00:00Z', 2)).toEqual(['2025-01-01T11:00:00+00:00', '2025-01-01T12:00:00+00:00']);
    expect(fires({ cron: '@daily', timezone: 'Asia/Kolkata' }, '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-02T00:00:00+05:30']);
  });

  it('accepts the five classic fields, names and the aliases, single-spacing the fields', () => {
    expect(checkScheduleTiming({ cron: '  0   12 * * MON-FRI ', timezone: 'Europe/Berlin' })).toEqual({
      ok: true,
      timing: { cron: '0 12 * * MON-FRI', timezone: 'Europe/Berlin' },
    });
    for (const cron of ['*/15 * * * *', '0 0 L * *', '0 12 * * 1#2', '0 0 1 jan,jul *', '@hourly', '@weekly', '@yearly']) {
      expect(checkScheduleTiming({ cron, timezone: 'UTC' })).toEqual({ ok: true, timing: { cron, timezone: 'UTC' } });
    }
  });

  it.each([
    ['', 'must have 5 fields (minute hour day-of-month month day-of-week), not 0'],
    ['* * * *', 'must have 5 fields (minute hour day-of-month month day-of-week), not 4'],
    ['0 0 1 1 * 2030', 'must have 5 fields (minute hour day-of-month month day-of-week), not 6'],
    ['@secondly', 'must be one of the aliases @yearly, @annually, @monthly, @weekly, @daily, @hourly'],
    ['H * * * *', 'must not use H (hashed) values'],
    ['61 * * * *', 'does not parse: Constraint error, got value 61 expected range 0-59'],
    ['*/0 * * * *', 'does not parse: Constraint error, cannot repeat at every 0 time.'],
    ['0 0 30 2 *', 'does not parse: Invalid explicit day of month definition'],
    ['not a cron at all', 'does not parse: Invalid characters, got value: not'],
  ])('refuses the cron expression %j', (cron, message) => {
    expect(checkScheduleTiming({ cron, timezone: 'UTC' })).toEqual({ ok: false, problem: { field: 'cron', message } });
  });

  it('takes IANA zones only, by their canonical name', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Etc/GMT+5')).toBe('Etc/GMT+5');
    for (const zone of ['Mars/Olympus', '+01:00', 'Europe/Berlin ', '', 'local', '../etc/passwd']) expect(canonicalTimeZone(zone)).toBeUndefined();
    expect(checkScheduleTiming({ cron: '0 0 * * *', timezone: 'Mars/Olympus' })).toEqual({
      ok: false,
      problem: { field: 'timezone', message: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin, UTC)' },
    });
  });

  describe('planScheduleTick', () => {
    const minutely: ScheduleTiming = { cron: '* * * * *', timezone: 'UTC' };
    const at = (iso: string) => new Date(iso);
    const iso = (plan: { run: Date | null; next: Date }) => ({ run: plan.run?.toISOString() ?? null, next: plan.next.toISOString() });
    const fiveMinutes = 5 * 60_000;

    it('runs a tick within the grace period, and the one after it next: a short outage catches up in order', () => {
      // Three minutes late with five of grace: 10:00 runs, then 10:01 (already due) is next.
      const plan = planScheduleTick(minutely, at('2025-01-01T10:00:00Z'), at('2025-01-01T10:03:20Z'), fiveMinutes, 'skip');
      expect({ ...iso(plan), skipped: plan.skipped }).toEqual({ run: '2025-01-01T10:00:00.000Z', next: '2025-01-01T10:01:00.000Z', skipped: 0 });
    });

    it('after a long outage runs the last missed tick once (run_last) and skips the rest, counted', () => {
      // Away 10:00 to 11:00; grace 5 min: 10:00 … 10:54 are missed (55 ticks), 10:55 … 11:00 are on time.
      const plan = planScheduleTick(minutely, at('2025-01-01T10:00:00Z'), at('2025-01-01T11:00:00Z'), fiveMinutes, 'run_last');
      expect({ ...iso(plan), skipped: plan.skipped, capped: plan.skippedCapped }).toEqual({
        run: '2025-01-01T10:54:00.000Z',
        next: '2025-01-01T10:55:00.000Z',
        skipped: 54,
        capped: false,
      });
    });

    it('after a long outage runs none of the missed ticks (skip), and the first on-time one is next', () => {
      const plan = planScheduleTick(minutely, at('2025-01-01T10:00:00Z'), at('2025-01-01T11:00:00Z'), fiveMinutes, 'skip');
      expect({ ...iso(plan), skipped: plan.skipped }).toEqual({ run: null, next: '2025-01-01T10:55:00.000Z', skipped: 55 });
      // A daily schedule missed by two days: nothing on time, so the next is tomorrow's.
      const daily = planScheduleTick(
        { cron: '0 9 * * *', timezone: 'Europe/Berlin' },
        at('2025-03-01T08:00:00Z'),
        at('2025-03-03T12:00:00Z'),
        fiveMinutes,
        'skip',
      );
      expect({ ...iso(daily), skipped: daily.skipped }).toEqual({ run: null, next: '2025-03-04T08:00:00.000Z', skipped: 3 });
    });

    it('counts at most 10,000 missed ticks and says the count is capped', () => {
      // A week away from a per-minute schedule: 10,080 missed ticks.
      const plan = planScheduleTick(minutely, at('2025-01-01T00:00:00Z'), at('2025-01-08T00:05:00Z'), fiveMinutes, 'run_last');
      expect({ ...iso(plan), skipped: plan.skipped, capped: plan.skippedCapped }).toEqual({
        run: '2025-01-07T23:59:00.000Z',
        next: '2025-01-08T00:00:00.000Z',
        skipped: 9_999,
        capped: true,
      });
    });

    it('finds the last missed tick of a daily 02:30 Berlin schedule across both changes as the ticks fire, one run only', () => {
      const timing: ScheduleTiming = { cron: '30 2 * * *', timezone: 'Europe/Berlin' };
      const plan = (due: string, now: string, policy: 'run_last' | 'skip' = 'run_last') => {
        const made = planScheduleTick(timing, at(due), at(now), fiveMinutes, policy);
        return { ...iso(made), skipped: made.skipped };
      };
      // Away from 29 March to 31 March 00:40Z: 29 March, 30 March (03:30 CEST, 01:30Z) and 31 March (00:30Z) were missed.
      expect(plan('2025-03-29T01:30:00Z', '2025-03-31T00:40:00Z')).toEqual({
        run: '2025-03-31T00:30:00.000Z',
        next: '2025-04-01T00:30:00.000Z',
        skipped: 2,
      });
      // Back at 26 October 01:40Z, after the first 02:30 (00:30Z) and during the second: the tick is the first, as shown.
      expect(plan('2025-10-25T00:30:00Z', '2025-10-26T01:40:00Z')).toEqual({
        run: '2025-10-26T00:30:00.000Z',
        next: '2025-10-27T01:30:00.000Z',
        skipped: 1,
      });
      expect(plan('2025-10-25T00:30:00Z', '2025-10-26T01:40:00Z', 'skip')).toEqual({ run: null, next: '2025-10-27T01:30:00.000Z', skipped: 2 });
    });

    it('steps a daily 02:30 Berlin schedule across both changes of 2025 one day at a time, each day once', () => {
      // Independent of cron-parser: the UTC instants of 02:30 Berlin wall time, written out (CET = UTC+1, CEST = UTC+2;
      // 30 March 02:30 does not exist and fires at 03:30 CEST; 26 October 02:30 happens twice and fires at the first).
      const expected = [
        '2025-03-29T01:30:00.000Z',
        '2025-03-30T01:30:00.000Z',
        '2025-03-31T00:30:00.000Z',
        '2025-10-25T00:30:00.000Z',
        '2025-10-26T00:30:00.000Z',
        '2025-10-27T01:30:00.000Z',
      ];
      const timing: ScheduleTiming = { cron: '30 2 * * *', timezone: 'Europe/Berlin' };
      const walk = (from: string, days: number) => {
        const runs: string[] = [];
        let due = nextFireTimes(timing, at(from), 1)[0]!;
        for (let i = 0; i < days; i++) {
          // The scheduler looks a second after the tick.
          const plan = planScheduleTick(timing, due, new Date(due.getTime() + 1_000), fiveMinutes, 'run_last');
          runs.push(plan.run!.toISOString());
          due = plan.next;
        }
        return runs;
      };
      expect([...walk('2025-03-28T12:00:00Z', 3), ...walk('2025-10-24T12:00:00Z', 3)]).toEqual(expected);
    });
  });
});
