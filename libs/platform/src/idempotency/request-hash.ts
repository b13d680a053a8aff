import { createHash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';

/**
 * JSON with object keys sorted at every level: equal bodies hash equally, whatever the key order.
 * (safe-stable-stringify's deterministic output; `undefined` members dropped as JSON does.)
 */
export function canonicalJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}

/**
 * SHA-256 (hex) of the canonical JSON of what identifies a request: its validated body, or
 * what the service derives from it (payment leaves the card number and CVC out).
 */
export function requestHash(identity: unknown): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}
