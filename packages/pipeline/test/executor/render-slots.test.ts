import { RenderSlots } from '../../src/executor/render-slots';

describe('RenderSlots', () => {
  it('grants as many slots as it has, then serves waiters in the order they came as slots are released', async () => {
    const slots = new RenderSlots(2);
    const never = new AbortController().signal;
    const first = await slots.acquire(never);
    const second = await slots.acquire(never);
    expect(slots.busy).toBe(true);
    const granted: string[] = [];
    const third = slots.acquire(never).then((release) => (granted.push('third'), release));
    const fourth = slots.acquire(never).then((release) => (granted.push('fourth'), release));
    expect(slots.queued).toBe(2);
    second();
    // Released twice, a slot is still freed once: the fourth waits for another release.
    second();
    const releaseThird = await third;
    expect(granted).toEqual(['third']);
    expect(slots.queued).toBe(1);
    first();
    (await fourth)();
    releaseThird();
    expect(granted).toEqual(['third', 'fourth']);
    expect([slots.busy, slots.queued]).toEqual([false, 0]);
  });

  it('gives up a wait whose signal aborts, with its reason, and the slot goes to the next waiter', async () => {
    const slots = new RenderSlots(1);
    const held = await slots.acquire(new AbortController().signal);
    const cancelled = new AbortController();
    const waiting = slots.acquire(cancelled.signal);
    const next = slots.acquire(new AbortController().signal);
    cancelled.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');
    expect(slots.queued).toBe(1);
    held();
    (await next)();
    expect([slots.busy, slots.queued]).toEqual([false, 0]);
    await expect(slots.acquire(AbortSignal.abort(new Error('already stopped')))).rejects.toThrow('already stopped');
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    expect(() => new RenderSlots(0)).toThrow('render slots must be a whole number of at least 1, got 0');
    expect(() => new RenderSlots(1.5)).toThrow('render slots must be a whole number of at least 1, got 1.5');
  });
});
