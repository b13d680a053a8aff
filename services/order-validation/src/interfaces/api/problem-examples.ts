import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ORDER_STATUSES, ValidationResultDto } from '@app/contracts';
import { problemExample as problem } from '@app/platform';

export const ORDER_ID_EXAMPLE = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const USER_ID_EXAMPLE = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';
const PRODUCT_ID_EXAMPLE = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const OTHER_PRODUCT_ID_EXAMPLE = '7c4d2e1f-9a8b-4c6d-8e5f-0a1b2c3d4e5f';
const VALIDATE = '/api/v1/validations/validate';
const RESULT = `/api/v1/validations/${ORDER_ID_EXAMPLE}`;
const VALIDATED_AT = '2025-01-15T10:31:00.000Z';
/** an order status other than awaiting payment, as the order contract names it */
const PAID_EXAMPLE = ORDER_STATUSES[1];

/** A documented 200 with named example results. */
export function ApiResult(
  description: string,
  examples: Record<string, { summary: string; value: ValidationResultDto }>,
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ValidationResultDto),
    ApiResponse({
      status: 200,
      description,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(ValidationResultDto) },
          examples,
        },
      },
    }),
  );
}

export const RESULT_EXAMPLES: Record<string, { summary: string; value: ValidationResultDto }> = {
  valid: {
    summary: 'Every rule holds',
    value: { order_id: ORDER_ID_EXAMPLE, valid: true, errors: [], validated_at: VALIDATED_AT },
  },
  invalid: {
    summary: 'Several rules fail (all are reported)',
    value: {
      order_id: ORDER_ID_EXAMPLE,
      valid: false,
      errors: [
        {
          code: 'order_not_creada',
          message: `Order ${ORDER_ID_EXAMPLE} is ${PAID_EXAMPLE}; only an order awaiting payment can be validated`,
        },
        {
          code: 'user_not_found',
          message: `User ${USER_ID_EXAMPLE} of order ${ORDER_ID_EXAMPLE} does not exist`,
        },
        {
          code: 'product_not_found',
          message: `Product ${OTHER_PRODUCT_ID_EXAMPLE} is not in the catalog`,
          product_id: OTHER_PRODUCT_ID_EXAMPLE,
        },
        {
          code: 'price_mismatch',
          message: `Product ${PRODUCT_ID_EXAMPLE} costs 21.50 in the catalog, the order says 19.99`,
          product_id: PRODUCT_ID_EXAMPLE,
        },
      ],
      validated_at: VALIDATED_AT,
    },
  },
  totalMismatch: {
    summary: 'The total is not the sum of the lines',
    value: {
      order_id: ORDER_ID_EXAMPLE,
      valid: false,
      errors: [
        {
          code: 'total_mismatch',
          message: `Order ${ORDER_ID_EXAMPLE} has total 65.48, its lines add up to 65.47`,
        },
        {
          code: 'invalid_quantity',
          message: `Product ${PRODUCT_ID_EXAMPLE} has quantity 0; it must be an integer from 1 to 1000`,
          product_id: PRODUCT_ID_EXAMPLE,
        },
      ],
      validated_at: VALIDATED_AT,
    },
  },
  orderNotFound: {
    summary: 'Unknown order (admin or service caller; a customer gets 404)',
    value: {
      order_id: ORDER_ID_EXAMPLE,
      valid: false,
      errors: [{ code: 'order_not_found', message: `Order ${ORDER_ID_EXAMPLE} does not exist` }],
      validated_at: VALIDATED_AT,
    },
  },
};

export const EXAMPLES = {
  validation: problem(400, 'validation-error', 'The request has invalid fields.', VALIDATE, {
    errors: [{ field: 'order_id', message: 'order_id must be a UUID' }],
  }),
  unknownField: problem(400, 'validation-error', 'The request has invalid fields.', VALIDATE, {
    errors: [{ field: 'user_id', message: 'property user_id should not exist' }],
  }),
  badId: problem(
    400,
    'validation-error',
    'The request has invalid fields.',
    '/api/v1/validations/nope',
    { errors: [{ field: 'order_id', message: 'order_id must be a UUID' }] },
  ),
  noToken: problem(401, 'unauthorized', 'A bearer access token is required.', VALIDATE),
  badServiceKey: problem(
    401,
    'unauthorized',
    'A valid service credential (X-Service-Key) is required.',
    VALIDATE,
  ),
  orderNotFound: problem(404, 'order-not-found', `Order ${ORDER_ID_EXAMPLE} not found`, VALIDATE, {
    order_id: ORDER_ID_EXAMPLE,
  }),
  validationNotFound: problem(
    404,
    'validation-not-found',
    `No validation result for order ${ORDER_ID_EXAMPLE}. Results are kept for a ` +
      'limited time: validate the order again with POST /api/v1/validations/validate.',
    RESULT,
    { order_id: ORDER_ID_EXAMPLE },
  ),
  rateLimited: problem(
    429,
    'rate-limited',
    'Too many requests from this address. Retry after the time in Retry-After.',
    VALIDATE,
  ),
  productDown: problem(
    503,
    'upstream-unavailable',
    'The product service is unavailable. Try again shortly.',
    VALIDATE,
  ),
  userDown: problem(
    503,
    'upstream-unavailable',
    'The user service is unavailable. Try again shortly.',
    VALIDATE,
  ),
  orderDown: problem(
    503,
    'upstream-unavailable',
    'The order service is unavailable. Try again shortly.',
    VALIDATE,
  ),
  eventsBacklogFull: problem(
    503,
    'upstream-unavailable',
    'Events cannot be delivered now (10000 waiting, at most 10000). Try again shortly.',
    VALIDATE,
  ),
};
