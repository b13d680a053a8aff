import { problemExample as problem } from '@app/platform';

export { ApiProblem } from '@app/platform';

export const ORDER_ID_EXAMPLE = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const PRODUCT_ID_EXAMPLE = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';

const ORDERS = '/api/v1/orders';

export const EXAMPLES = {
  validation: problem(400, 'validation-error', 'The request has invalid fields.', ORDERS, {
    errors: [{ field: 'items.0.quantity', message: 'quantity must not be greater than 1000' }],
  }),
  badId: problem(400, 'validation-error', 'The request has invalid fields.', `${ORDERS}/nope`, {
    errors: [{ field: 'id', message: 'id must be a UUID' }],
  }),
  forAnotherUser: problem(
    403,
    'order-for-another-user',
    'A customer can only place orders for their own user_id.',
    ORDERS,
  ),
  orderNotFound: problem(
    404,
    'order-not-found',
    `Order ${ORDER_ID_EXAMPLE} not found`,
    `${ORDERS}/${ORDER_ID_EXAMPLE}`,
    {
      order_id: ORDER_ID_EXAMPLE,
    },
  ),
  productNotFound: problem(
    404,
    'product-not-found',
    `Product ${PRODUCT_ID_EXAMPLE} not found`,
    ORDERS,
    {
      product_ids: [PRODUCT_ID_EXAMPLE],
    },
  ),
  insufficientStock: problem(
    409,
    'insufficient-stock',
    `Insufficient stock for 1 item(s): ${PRODUCT_ID_EXAMPLE}`,
    ORDERS,
    { items: [{ product_id: PRODUCT_ID_EXAMPLE, requested: 3, available: 1 }] },
  ),
  inFlight: problem(
    409,
    'idempotency-key-in-flight',
    'A request with this Idempotency-Key is still being processed. Retry shortly.',
    ORDERS,
  ),
  keyReused: problem(
    422,
    'idempotency-key-reused',
    'This Idempotency-Key was already used with a different request body.',
    ORDERS,
  ),
  totalTooLarge: problem(
    422,
    'order-total-too-large',
    'The order total exceeds 99,999,999.99; split it into smaller orders.',
    ORDERS,
  ),
  illegalTransition: problem(
    409,
    'illegal-transition',
    'An order cannot go from enviada to cancelada',
    `${ORDERS}/${ORDER_ID_EXAMPLE}/cancel`,
    { current_status: 'enviada', requested_status: 'cancelada' },
  ),
  goodsLeft: problem(
    409,
    'illegal-transition',
    `Order ${ORDER_ID_EXAMPLE} cannot be cancelled: its goods have left the warehouse`,
    `${ORDERS}/${ORDER_ID_EXAMPLE}/cancel`,
    { current_status: 'pagada', requested_status: 'cancelada', reason: 'shipped' },
  ),
  deliveryDown: problem(
    503,
    'upstream-unavailable',
    'The delivery service is unavailable. Try again shortly.',
    `${ORDERS}/${ORDER_ID_EXAMPLE}/cancel`,
  ),
  productDown: problem(
    503,
    'upstream-unavailable',
    'The product service is unavailable. Try again shortly.',
    ORDERS,
  ),
  unauthorized: problem(401, 'unauthorized', 'A bearer access token is required.', ORDERS),
  noServiceKey: problem(
    401,
    'unauthorized',
    'A valid service credential (X-Service-Key) is required.',
    `/api/v1/internal/orders/${ORDER_ID_EXAMPLE}`,
  ),
};
