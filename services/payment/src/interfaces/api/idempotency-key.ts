import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_MAX } from '@app/contracts';
import { ValidationFailedException } from '@app/platform';

// The order service's header parsing and canonical hashing, copied (docs/order-service.md
// "Idempotency-Key"): a candidate to move into libs/platform with the store.

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

// Printable ASCII and spaces, like the IETF draft's sf-string; no control characters.
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);

/** The optional `Idempotency-Key` header, validated (400 naming the header when malformed). */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const raw = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      IDEMPOTENCY_KEY_HEADER
    ];
    if (raw === undefined) return undefined;
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (!KEY_PATTERN.test(value)) {
      throw new ValidationFailedException([
        {
          field: 'Idempotency-Key',
          message: `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters`,
        },
      ]);
    }
    return value;
  },
);

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

/** SHA-256 (hex) of the canonical JSON of what identifies the request. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
