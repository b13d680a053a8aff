import { randomBytes } from 'node:crypto';

// Crockford's base32: digits and upper-case letters without I, L, O and U, so that a number
// read aloud or copied by hand is hard to get wrong. 32 divides 256, so `byte & 31` is uniform.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'NC';
const LENGTH = 10;
const FORMAT = /^NC[0-9A-HJKMNP-TV-Z]{10}$/;

/**
 * Tracking numbers: `NC` and ten random base32 characters (50 bits). Unique by a database index;
 * a collision (about one in 10^15 per pair) is retried with a fresh number.
 */
export const TrackingNumber = {
  generate(random: (size: number) => Uint8Array = randomBytes): string {
    const bytes = random(LENGTH);
    let body = '';
    for (let i = 0; i < LENGTH; i += 1) body += ALPHABET[bytes[i] & 31];
    return PREFIX + body;
  },

  isValid(value: string): boolean {
    return FORMAT.test(value);
  },

  /**
   * What a person may type for a tracking number, in its canonical form: case and spaces or
   * dashes do not matter, and the letters Crockford reads as digits (O → 0, I and L → 1) are
   * read so. Null when the result is not a tracking number.
   */
  normalize(input: string): string | null {
    const upper = input.replace(/[\s-]/g, '').toUpperCase();
    if (!upper.startsWith(PREFIX)) return null;
    const body = upper.slice(PREFIX.length).replace(/O/g, '0').replace(/[IL]/g, '1');
    const candidate = PREFIX + body;
    return FORMAT.test(candidate) ? candidate : null;
  },
};
