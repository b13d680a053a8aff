/** Public API: `POST {VALIDATIONS_PATH}/validate`, `GET {VALIDATIONS_PATH}/{order_id}`. */
export const VALIDATIONS_PATH = '/api/v1/validations';

/**
 * The stable `code` of each failed rule in a validation result's `errors`. Clients branch on
 * these; the messages are for people and may change.
 */
export const VALIDATION_CODES = {
  /** the order does not exist (answered to admins and services; a customer gets 404) */
  orderNotFound: 'order_not_found',
  /** the order's status is not `creada` */
  orderNotCreada: 'order_not_creada',
  /** the order has no lines */
  orderEmpty: 'order_empty',
  /** the order's user does not exist (any more) */
  userNotFound: 'user_not_found',
  /** a line's product is not in the catalog (any more); one error per product */
  productNotFound: 'product_not_found',
  /** a line's quantity is not an integer from 1 to 1,000; one error per product */
  invalidQuantity: 'invalid_quantity',
  /** a line's unit price differs from the catalog's current price; one error per product */
  priceMismatch: 'price_mismatch',
  /** the order's total differs from the sum of its lines (price × quantity, in integer cents) */
  totalMismatch: 'total_mismatch',
} as const;

export type ValidationCode = (typeof VALIDATION_CODES)[keyof typeof VALIDATION_CODES];

export const VALIDATION_CODE_VALUES = Object.values(VALIDATION_CODES) as ValidationCode[];

/**
 * Problem `type` suffixes (after https://nest-commerce.dev/problems/) the order-validation
 * service answers with, for clients that branch on them.
 */
export const VALIDATION_PROBLEM_TYPES = {
  /** POST validate by a customer: no such order, or another customer's */
  orderNotFound: 'order-not-found',
  /** GET: no result kept for this order (never validated, expired, evicted, or not yours) */
  validationNotFound: 'validation-not-found',
  upstreamUnavailable: 'upstream-unavailable',
} as const;
