/** Documented limits and vocabularies of the order API; the order domain enforces the same. */
export const ORDER_ITEMS_MAX = 100;
export const ORDER_QUANTITY_MAX = 1000;
export const ORDER_CAUSE_MAX = 200;

export const ORDER_STATUSES = ['creada', 'pagada', 'enviada', 'entregada', 'cancelada'] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/**
 * The status of an order placed and not yet paid or cancelled: the one an order can be validated
 * and paid in (SPEC.md). Published here so that a service reading orders through the API compares
 * with the order contract's value, not a literal of its own.
 */
export const ORDER_AWAITING_PAYMENT: OrderStatusName = 'creada';

/** The status of a cancelled order (by its owner, an admin, or for lack of payment): final. */
export const ORDER_CANCELLED: OrderStatusName = 'cancelada';

export const ORDER_EVENT_TYPES = [
  'created',
  'validated',
  'paid',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** Public API: `POST/GET {ORDERS_PATH}`, `GET {ORDERS_PATH}/{id}`, `/{id}/events`, `/{id}/cancel`. */
export const ORDERS_PATH = '/api/v1/orders';

/** Service-to-service API (X-Service-Key only): `GET {ORDER_INTERNAL_PATH}/{id}`. */
export const ORDER_INTERNAL_PATH = '/api/v1/internal/orders';

/**
 * Problem `type` suffixes (after https://nest-commerce.dev/problems/) the order service answers
 * with, for clients that branch on them.
 */
export const ORDER_PROBLEM_TYPES = {
  orderNotFound: 'order-not-found',
  productNotFound: 'product-not-found',
  insufficientStock: 'insufficient-stock',
  illegalTransition: 'illegal-transition',
  idempotencyKeyInFlight: 'idempotency-key-in-flight',
  idempotencyKeyReused: 'idempotency-key-reused',
  upstreamUnavailable: 'upstream-unavailable',
} as const;

/** Longest accepted `Idempotency-Key` header (printable ASCII). */
export const IDEMPOTENCY_KEY_MAX = 255;
