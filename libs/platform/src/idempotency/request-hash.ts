import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: equal bodies hash equally, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * SHA-256 (hex) of the canonical JSON of what identifies a request: its validated body, or
 * what the service derives from it (payment leaves the card number and CVC out).
 */
export function requestHash(identity: unknown): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
