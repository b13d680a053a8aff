import { LruTtlCache } from './lru-ttl-cache';

describe('LruTtlCache', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  describe('bounded by count', () => {
    it('evicts the least recently written beyond maxEntries', () => {
      const cache = new LruTtlCache<string, number>(3, 60_000, clock);
      for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i);
      expect(cache.size).toBe(3);
      expect(cache.get('a')).toBeUndefined();
      expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, 2, 3]);
    });

    it('a read makes an entry recently used: the other one goes first', () => {
      const cache = new LruTtlCache<string, number>(2, 60_000, clock);
      cache.set('a', 1);
      cache.set('b', 2);
      expect(cache.get('a')).toBe(1);
      cache.set('c', 3);
      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toBe(1);
      expect(cache.get('c')).toBe(3);
    });

    it('overwriting a key replaces it without growing', () => {
      const cache = new LruTtlCache<string, number>(2, 60_000, clock);
      cache.set('a', 1);
      cache.set('a', 2);
      cache.set('b', 3);
      expect(cache.size).toBe(2);
      expect(cache.get('a')).toBe(2);
    });

    it('never holds more than maxEntries, however many are written', () => {
      const cache = new LruTtlCache<number, number>(100, 60_000, clock);
      for (let i = 0; i < 10_000; i++) cache.set(i, i);
      expect(cache.size).toBe(100);
      expect(cache.get(9_899)).toBeUndefined();
      expect(cache.get(9_900)).toBe(9_900);
    });
  });

  describe('bounded by age', () => {
    it('an entry is returned until ttl after its write, never after', () => {
      const cache = new LruTtlCache<string, number>(10, 1_000, clock);
      cache.set('a', 1);
      now += 999;
      expect(cache.get('a')).toBe(1);
      now += 1;
      expect(cache.get('a')).toBeUndefined();
      expect(cache.size).toBe(0);
    });

    it('reading does not extend the age; writing again does', () => {
      const cache = new LruTtlCache<string, number>(10, 1_000, clock);
      cache.set('a', 1);
      now += 600;
      expect(cache.get('a')).toBe(1);
      now += 600;
      expect(cache.get('a')).toBeUndefined();
      cache.set('a', 2);
      now += 600;
      expect(cache.get('a')).toBe(2);
    });

    it('expired entries are dropped on the next write, read or not', () => {
      const cache = new LruTtlCache<string, number>(10, 1_000, clock);
      cache.set('a', 1);
      cache.set('b', 2);
      now += 1_000;
      cache.set('c', 3);
      expect(cache.size).toBe(1);
      expect(cache.get('c')).toBe(3);
    });
  });

  it('refuses a non-positive size or ttl', () => {
    expect(() => new LruTtlCache(0, 1_000)).toThrow(RangeError);
    expect(() => new LruTtlCache(1.5, 1_000)).toThrow(RangeError);
    expect(() => new LruTtlCache(1, 0)).toThrow(RangeError);
  });
});
