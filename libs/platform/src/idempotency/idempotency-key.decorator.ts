import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { IDEMPOTENCY_KEY_MAX } from '@app/contracts';
import { ValidationFailedException } from '../errors/validation-failed.exception';

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
