/** Documented vocabulary and paths of the delivery API; the delivery domain enforces the same. */
export const DELIVERY_STATUSES = ['pendiente', 'en_transito', 'entregada', 'cancelada'] as const;
export type DeliveryStatusName = (typeof DELIVERY_STATUSES)[number];

/**
 * `NC` and ten Crockford base32 characters (digits and upper-case letters without I, L, O, U):
 * short enough to read over the phone, 2^50 values so they cannot be guessed one by one.
 */
export const TRACKING_NUMBER_PATTERN = /^NC[0-9A-HJKMNP-TV-Z]{10}$/;
/** Longest path segment the tracking lookup reads (a tracking number is 12 characters). */
export const TRACKING_NUMBER_INPUT_MAX = 32;

/** Public API: `POST/GET {DELIVERIES_PATH}`, `GET {DELIVERIES_PATH}/{id}`, `/{id}/status`, `/track/{n}`. */
export const DELIVERIES_PATH = '/api/v1/deliveries';

/**
 * Service-to-service API (X-Service-Key only): `GET {DELIVERY_INTERNAL_PATH}/by-order/{order_id}`,
 * `POST {DELIVERY_INTERNAL_PATH}/by-order/{order_id}/stop`.
 */
export const DELIVERY_INTERNAL_PATH = '/api/v1/internal/deliveries';

/** `GET` the order's delivery (service key). */
export function deliveryByOrderPath(orderId: string): string {
  return `${DELIVERY_INTERNAL_PATH}/by-order/${encodeURIComponent(orderId)}`;
}

/**
 * `POST` (the order service's key only): an order is being cancelled; stop its goods unless they
 * left. Idempotent per order.
 */
export function deliveryStopPath(orderId: string): string {
  return `${deliveryByOrderPath(orderId)}/stop`;
}

/** Problem `type` suffixes (after https://nest-commerce.dev/problems/) of the delivery service. */
export const DELIVERY_PROBLEM_TYPES = {
  deliveryNotFound: 'delivery-not-found',
  trackingNumberNotFound: 'tracking-number-not-found',
  orderNotFound: 'order-not-found',
  orderNotPaid: 'order-not-paid',
  illegalTransition: 'illegal-transition',
  /** the stop of an order's delivery came too late: the parcel is on its way or delivered */
  deliveryAlreadyLeft: 'delivery-already-left',
  upstreamUnavailable: 'upstream-unavailable',
} as const;
