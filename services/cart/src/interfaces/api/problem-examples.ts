import { problemExample as problem } from '@app/platform';

export { ApiProblem } from '@app/platform';

export const CART_ID_EXAMPLE = '5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
export const PRODUCT_ID_EXAMPLE = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const CART = `/api/v1/carts/${CART_ID_EXAMPLE}`;

export const EXAMPLES = {
  validation: problem(400, 'validation-error', 'The request has invalid fields.', `${CART}/items`, {
    errors: [{ field: 'quantity', message: 'quantity must not be greater than 1000' }],
  }),
  badId: problem(400, 'validation-error', 'The request has invalid fields.', '/api/v1/carts/nope', {
    errors: [{ field: 'cart_id', message: 'cart_id must be a UUID' }],
  }),
  badAddress: problem(
    400,
    'validation-error',
    'The request has invalid fields.',
    `${CART}/checkout`,
    {
      errors: [
        {
          field: 'shipping_address.country',
          message: 'country must be an ISO 3166-1 alpha-2 code (e.g. ES)',
        },
      ],
    },
  ),
  ownerOnly: problem(
    403,
    'checkout-owner-only',
    `Only the owner of cart ${CART_ID_EXAMPLE} can check it out.`,
    `${CART}/checkout`,
    { cart_id: CART_ID_EXAMPLE },
  ),
  invalidOwner: problem(
    403,
    'invalid-cart-owner',
    "The token's subject is not a user id, so it cannot own a cart.",
    '/api/v1/carts',
  ),
  cartNotFound: problem(404, 'cart-not-found', `Cart ${CART_ID_EXAMPLE} not found`, CART, {
    cart_id: CART_ID_EXAMPLE,
  }),
  itemNotFound: problem(
    404,
    'cart-item-not-found',
    `Product ${PRODUCT_ID_EXAMPLE} is not in this cart`,
    `${CART}/items/${PRODUCT_ID_EXAMPLE}`,
    { product_id: PRODUCT_ID_EXAMPLE },
  ),
  productNotFound: problem(
    404,
    'product-not-found',
    `Product ${PRODUCT_ID_EXAMPLE} not found`,
    `${CART}/items`,
    { product_ids: [PRODUCT_ID_EXAMPLE] },
  ),
  insufficientStock: problem(
    409,
    'insufficient-stock',
    `Only 2 unit(s) of product ${PRODUCT_ID_EXAMPLE} left; the cart would hold 3`,
    `${CART}/items`,
    { items: [{ product_id: PRODUCT_ID_EXAMPLE, requested: 3, available: 2 }] },
  ),
  lineLimit: problem(
    409,
    'cart-line-limit-exceeded',
    `A cart line holds at most 1000 units; product ${PRODUCT_ID_EXAMPLE} would have 1001`,
    `${CART}/items`,
    { product_id: PRODUCT_ID_EXAMPLE, quantity: 1001, max: 1000 },
  ),
  cartFull: problem(
    409,
    'cart-full',
    'A cart holds at most 100 different products',
    `${CART}/items`,
    {
      max: 100,
    },
  ),
  checkedOut: problem(
    409,
    'cart-checked-out',
    `Cart ${CART_ID_EXAMPLE} is checked out and can no longer change`,
    `${CART}/items`,
    { cart_id: CART_ID_EXAMPLE },
  ),
  checkoutPending: problem(
    409,
    'checkout-pending',
    `A checkout of cart ${CART_ID_EXAMPLE} is unfinished (the order service did not answer). ` +
      `Repeat POST /api/v1/carts/${CART_ID_EXAMPLE}/checkout to finish it before changing the cart.`,
    `${CART}/items`,
    { cart_id: CART_ID_EXAMPLE },
  ),
  inFlight: problem(
    409,
    'idempotency-key-in-flight',
    'A request with this Idempotency-Key is still being processed. Retry shortly.',
    `${CART}/checkout`,
  ),
  cartEmpty: problem(
    422,
    'cart-empty',
    `Cart ${CART_ID_EXAMPLE} is empty: add items before checking out`,
    `${CART}/checkout`,
    { cart_id: CART_ID_EXAMPLE },
  ),
  rateLimited: problem(
    429,
    'rate-limited',
    'Too many requests from this address. Retry after the time in Retry-After.',
    CART,
  ),
  productDown: problem(
    503,
    'upstream-unavailable',
    'The product service is unavailable. Try again shortly.',
    `${CART}/items`,
  ),
  orderDown: problem(
    503,
    'upstream-unavailable',
    'The order service is unavailable. Try again shortly.',
    `${CART}/checkout`,
  ),
};
