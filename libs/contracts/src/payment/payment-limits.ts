/** Documented vocabularies, limits and paths of the payment API; the payment domain enforces the same. */
export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal'] as const;
export type PaymentMethodName = (typeof PAYMENT_METHODS)[number];

/** The methods that need a `card` in the request. */
export const CARD_PAYMENT_METHODS: readonly PaymentMethodName[] = ['credit_card', 'debit_card'];

export const PAYMENT_STATUSES = ['pendiente', 'aprobado', 'rechazado', 'reembolsado'] as const;
export type PaymentStatusName = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_GATEWAYS = ['simulated', 'stripe', 'paypal'] as const;
export type PaymentGatewayName = (typeof PAYMENT_GATEWAYS)[number];

/** Smallest amount a payment may carry (0.01): an order total is never zero. */
export const PAYMENT_AMOUNT_MIN = 0.01;

/** Public API: `POST {PAYMENTS_PATH}/process`, `GET {PAYMENTS_PATH}`, `GET|POST {PAYMENTS_PATH}/{id}[/refund]`. */
export const PAYMENTS_PATH = '/api/v1/payments';

/**
 * Service-to-service API (X-Service-Key only): `GET {PAYMENT_INTERNAL_PATH}?order_id=` and the
 * outbox receiver `POST {PAYMENT_INTERNAL_PATH}/refunds` (MESSAGE_PATHS.refundPayment()).
 */
export const PAYMENT_INTERNAL_PATH = '/api/v1/internal/payments';

/**
 * Problem `type` suffixes (after https://nest-commerce.dev/problems/) the payment service answers
 * with, for clients that branch on them.
 */
export const PAYMENT_PROBLEM_TYPES = {
  paymentNotFound: 'payment-not-found',
  orderNotFound: 'order-not-found',
  orderNotPayable: 'order-not-payable',
  amountMismatch: 'amount-mismatch',
  paymentMethodNotSupported: 'payment-method-not-supported',
  paymentInProgress: 'payment-in-progress',
  orderAlreadyPaid: 'order-already-paid',
  paymentNotRefundable: 'payment-not-refundable',
  refundRefused: 'refund-refused',
  idempotencyKeyInFlight: 'idempotency-key-in-flight',
  idempotencyKeyReused: 'idempotency-key-reused',
  upstreamUnavailable: 'upstream-unavailable',
} as const;

/**
 * Cards of the simulated gateway (PAYMENT_GATEWAY=simulated, the default). Any expiry in the
 * future and any CVC. Other valid (Luhn) numbers are approved.
 */
export const SIMULATED_TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  /** the gateway takes the charge but its answer never arrives: `pendiente`, settled later */
  timeout: '4000000000000119',
} as const;
