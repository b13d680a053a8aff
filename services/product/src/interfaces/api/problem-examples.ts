import { ProblemDto } from '@app/contracts';
import { namedProblemExamples as named, problemExample as problem } from '@app/platform';

export const PRODUCT_ID_EXAMPLE = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
export const ORDER_ID_EXAMPLE = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const PRODUCT = `/api/v1/products/${PRODUCT_ID_EXAMPLE}`;
const RESERVATIONS = '/api/v1/stock/reservations';

export const EXAMPLES = {
  productNotFound: problem(
    404,
    'product-not-found',
    `Product ${PRODUCT_ID_EXAMPLE} not found`,
    PRODUCT,
    {
      product_ids: [PRODUCT_ID_EXAMPLE],
    },
  ),
  reservedUnknown: problem(
    404,
    'product-not-found',
    `Product ${PRODUCT_ID_EXAMPLE} not found`,
    RESERVATIONS,
    { product_ids: [PRODUCT_ID_EXAMPLE] },
  ),
  insufficientStock: problem(
    409,
    'insufficient-stock',
    `Insufficient stock for 1 item(s): ${PRODUCT_ID_EXAMPLE}`,
    RESERVATIONS,
    { items: [{ product_id: PRODUCT_ID_EXAMPLE, requested: 3, available: 2 }] },
  ),
  reservationMismatch: problem(
    422,
    'reservation-mismatch',
    `Order ${ORDER_ID_EXAMPLE} already holds a reservation with different items`,
    RESERVATIONS,
    { order_id: ORDER_ID_EXAMPLE },
  ),
  reservationReleased: problem(
    409,
    'reservation-released',
    `The stock reservation of order ${ORDER_ID_EXAMPLE} was released; it cannot reserve again`,
    RESERVATIONS,
    { order_id: ORDER_ID_EXAMPLE },
  ),
};

export const PRODUCT_NOT_FOUND = {
  type: ProblemDto,
  description: 'No product with this id (`product-not-found`).',
  examples: named({ productNotFound: EXAMPLES.productNotFound }),
};

export const RESERVE_NOT_FOUND = {
  type: ProblemDto,
  description: 'Unknown products (listed in `product_ids`); nothing is reserved.',
  examples: named({ productNotFound: EXAMPLES.reservedUnknown }),
};

export const RESERVE_CONFLICT = {
  type: ProblemDto,
  description:
    'Not enough stock (`insufficient-stock`; `items` lists each short line as {product_id, ' +
    'requested, available}), or the order_id was released (`reservation-released`). Nothing is ' +
    'reserved.',
  examples: named({
    insufficientStock: EXAMPLES.insufficientStock,
    reservationReleased: EXAMPLES.reservationReleased,
  }),
};

export const RESERVE_MISMATCH = {
  type: ProblemDto,
  description: 'The order_id already holds a reservation with different items.',
  examples: named({ reservationMismatch: EXAMPLES.reservationMismatch }),
};
