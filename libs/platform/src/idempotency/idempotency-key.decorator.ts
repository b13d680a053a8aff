import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_MAX } from '@app/contracts';
import { ValidationFailedException } from '../errors/validation-failed.exception';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

// Printable ASCII and spaces, like the IETF draft's sf-string; no control characters.
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY_KEY_MAX}}$`);

/**
 * Documents the header on the operation (a controller's own @ApiHeader may say more). No
 * example: Swagger UI would send it prefilled, and a fixed key replays its first answer.
 */
function documentHeader(target: object, key: string | symbol | undefined): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor) return;
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      `1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters, chosen by the client, e.g. a ` +
      'UUID. The same key with the same body replays the first answer.',
    schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX },
  })(target, key, descriptor);
}

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
  [documentHeader],
);
