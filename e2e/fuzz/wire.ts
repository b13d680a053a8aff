// How fuzzed values are put on the wire: JSON with tokens JSON.stringify cannot write, and
// percent-encoding that also writes lone surrogates (as WTF-8 bytes, what a careless client sends).

/** JSON text inserted verbatim, e.g. `1e400` or `9007199254740993`, or 5,000 nested arrays. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A path or query piece already percent-encoded, sent as is (e.g. a malformed `%zz`). */
export class Encoded {
  constructor(readonly text: string) {}
}

export function stringify(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v instanceof RawJson ? `\u0001RAW${raws.push(v.text) - 1}\u0001` : v,
  );
  // JSON.stringify wrote each marker as "\u0001RAW<n>\u0001", escapes included
  return (text ?? '').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, index: string) => raws[+index]);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

function utf8Bytes(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint];
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f)];
  if (codePoint < 0x10000) {
    return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)];
  }
  return [
    0xf0 | (codePoint >> 18),
    0x80 | ((codePoint >> 12) & 0x3f),
    0x80 | ((codePoint >> 6) & 0x3f),
    0x80 | (codePoint & 0x3f),
  ];
}

/** encodeURIComponent, except that a lone surrogate becomes its 3 WTF-8 bytes instead of a throw. */
export function percentEncode(value: string | Encoded): string {
  if (value instanceof Encoded) return value.text;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        i++;
      }
    }
    const char = String.fromCharCode(unit);
    if (codePoint === unit && UNRESERVED.test(char)) {
      out += char;
    } else {
      out += utf8Bytes(codePoint)
        .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('');
    }
  }
  return out;
}

export function nestedArrays(depth: number): RawJson {
  return new RawJson('['.repeat(depth) + ']'.repeat(depth));
}

export function nestedObjects(depth: number): RawJson {
  return new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
}

/** A query parameter written without `=` (`?limit`). */
export const FLAG = new Encoded('');
