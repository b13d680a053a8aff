import fc from 'fast-check';
import { nestsDeeperThan, parseJsonBody } from './json-body-parser';

/** Nesting depth of a parsed JSON value: objects and arrays count, scalars do not. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe('JSON depth scan', () => {
  it('agrees with the real depth of any JSON value, whatever its strings contain', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 12 }),
        fc.integer({ min: 1, max: 12 }),
        (value, limit) => {
          const text = JSON.stringify(value);
          expect(nestsDeeperThan(text, limit)).toBe(depthOf(value) > limit);
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('parses what it lets through exactly like JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonBody(Buffer.from(text), 32)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});
