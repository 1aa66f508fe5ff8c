import { hasPrefix, idFloor, idTime, newId } from '../src/ids.ts';

describe('newId', () => {
  it('makes ids that sort in the order they were made, thousands within a millisecond', () => {
    const ids = Array.from({ length: 5_000 }, (_, index) => newId(index % 2 === 0 ? 'evt' : 'ntf'));
    const tails = ids.map((id) => id.slice(4));
    expect([...tails].sort()).toEqual(tails);
    expect(new Set(tails).size).toBe(ids.length);
    for (const id of ids) expect(hasPrefix(id, id.slice(0, 3))).toBe(true);
  });

  it('keeps sorting when the clock steps back', () => {
    const realNow = Date.now;
    const start = realNow();
    try {
      Date.now = () => start + 60_000;
      const before = newId('evt');
      Date.now = () => start + 59_000;
      const after = newId('evt');
      expect(after > before).toBe(true);
      expect(idTime(after)).toBe(start + 60_000);
    } finally {
      Date.now = realNow;
    }
  });

  it('reads its time back, and every id made at or after a time sorts after that time\'s floor', () => {
    const made = Date.now();
    const id = newId('evt');
    expect(idTime(id)).toBeGreaterThanOrEqual(made);
    expect(id >= idFloor('evt', made)).toBe(true);
    expect(id < idFloor('evt', idTime(id) + 1)).toBe(true);
  });
});
