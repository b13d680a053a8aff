import fc from 'fast-check';
import { childTraceparent, traceIdFrom, traceIdOf } from './trace-context';

const hex = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdef'.split('')),
    minLength: length,
    maxLength: length,
  });

describe('W3C trace context', () => {
  it('continues a valid caller trace with a new span each time', () => {
    fc.assert(
      fc.property(hex(32), hex(16), hex(2), (trace, span, flags) => {
        fc.pre(!/^0+$/.test(trace) && !/^0+$/.test(span));
        const traceId = traceIdFrom(`00-${trace}-${span}-${flags}`);
        expect(traceId).toBe(trace);
        const a = childTraceparent(traceId);
        const b = childTraceparent(traceId);
        expect(traceIdOf(a)).toBe(trace);
        expect(a).not.toBe(b);
        expect(a).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('starts a new trace for anything else, never echoing it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constant(undefined), fc.integer()), (header) => {
        const traceId = traceIdFrom(header);
        expect(traceId).toMatch(/^[0-9a-f]{32}$/);
        if (typeof header === 'string') expect(header).not.toContain(traceId);
      }),
      { numRuns: 300, seed: 4 },
    );
    for (const zero of [
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${'a'.repeat(32)}-${'0'.repeat(16)}-01`,
    ]) {
      expect(traceIdFrom(zero)).not.toBe(zero.slice(3, 35));
    }
    expect(traceIdFrom(`01-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)).not.toBe('a'.repeat(32));
    expect(traceIdFrom(`00-${'A'.repeat(32)}-${'b'.repeat(16)}-01`)).not.toBe('A'.repeat(32));
  });
});
