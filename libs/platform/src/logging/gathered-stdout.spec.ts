import fc from 'fast-check';
import { gatherLines } from './gathered-stdout';

/** A sink that keeps what it is handed, chunk by chunk. */
function recordingSink() {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => void chunks.push(chunk) };
}

const line = fc
  .string({ unit: 'grapheme', minLength: 0, maxLength: 300 })
  .map((text) => `${JSON.stringify({ msg: text })}\n`);

describe('gatherLines', () => {
  it('hands lines on in order, whole, in chunks as full as chunkChars allows (generated lines)', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        (lines, chunkChars) => {
          const sink = recordingSink();
          const out = gatherLines(sink, { chunkChars, flushEveryMs: 60_000 }, () => undefined);
          for (const l of lines) out.write(l);
          out.end();
          const handedAtEnd = sink.chunks.join('');
          expect(handedAtEnd).toBe(lines.join(''));
          sink.chunks.splice(0);
          const again = gatherLines(sink, { chunkChars, flushEveryMs: 60_000 }, () => undefined);
          for (const l of lines) again.write(l);
          const handed = sink.chunks.join('');
          // nothing is lost, reordered or split: what was handed on is a prefix of whole lines
          expect(lines.join('').startsWith(handed)).toBe(true);
          let at = 0;
          const ends = new Set([0, ...lines.map((l) => (at += l.length))]);
          expect(ends.has(handed.length)).toBe(true);
          // each chunk within the size, or a single line longer than it; none could have taken
          // the line after it; what is held back is below the size
          const lineAt = new Map<number, string>();
          let offset = 0;
          for (const l of lines) {
            lineAt.set(offset, l);
            offset += l.length;
          }
          let start = 0;
          for (const chunk of sink.chunks) {
            const end = start + chunk.length;
            const single = lineAt.get(start) === chunk;
            expect(chunk.length <= chunkChars || single).toBe(true);
            const following = lineAt.get(end);
            if (following !== undefined && end < handed.length) {
              expect(chunk.length + following.length).toBeGreaterThan(chunkChars);
            }
            start = end;
          }
          expect(lines.join('').length - handed.length).toBeLessThan(chunkChars);
          again.end();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hands on what it holds after flushEveryMs, without more lines coming', async () => {
    const sink = recordingSink();
    const out = gatherLines(sink, { chunkChars: 1 << 20, flushEveryMs: 20 }, () => undefined);
    out.write('{"a":1}\n');
    out.write('{"b":2}\n');
    expect(sink.chunks).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sink.chunks).toEqual(['{"a":1}\n{"b":2}\n']);
    out.end();
  });
});
