import { selectCandidates } from '../../src/providers/stock/select-candidates';

const clip = (id: string, durationSeconds: number) => ({ id, durationSeconds });

describe('selectCandidates', () => {
  it('skips excluded ids and repeats, keeping the order found', () => {
    const picked = selectCandidates([clip('1', 10), clip('2', 10), clip('1', 10), clip('3', 10), clip('4', 10)], {
      count: 3,
      excludeIds: ['2'],
      minDurationSeconds: 0,
    });
    expect(picked.map((c) => c.id)).toEqual(['1', '3', '4']);
  });

  it('takes clips shorter than the minimum only when longer ones run out', () => {
    const found = [clip('short', 3), clip('a', 12), clip('b', 15), clip('tiny', 1)];
    expect(selectCandidates(found, { count: 2, excludeIds: [], minDurationSeconds: 5 }).map((c) => c.id)).toEqual(['a', 'b']);
    expect(selectCandidates(found, { count: 3, excludeIds: [], minDurationSeconds: 5 }).map((c) => c.id)).toEqual(['a', 'b', 'short']);
  });
});
