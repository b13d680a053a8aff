import { problemExample as problem } from '@app/platform';

export const PAYMENT_ID_EXAMPLE = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
export const ORDER_ID_EXAMPLE = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

const PROCESS = '/api/v1/payments/process';
const ONE = `/api/v1/payments/${PAYMENT_ID_EXAMPLE}`;
const INTERNAL = '/api/v1/internal/payments';

export const EXAMPLES = {
  validation: problem(400, 'validation-error', 'The request has invalid fields.', PROCESS, {
    errors: [
      {
        field: 'card.number',
        message: 'number must be 12 to 19 digits with a valid check digit',
      },
    ],
  }),
  cardMissing: problem(400, 'validation-error', 'The request has invalid fields.', PROCESS, {
    errors: [{ field: 'card', message: 'card is required for credit_card and debit_card' }],
  }),
  badId: problem(400, 'validation-error', 'The request has invalid fields.', '/api/v1/payments/x', {
    errors: [{ field: 'id', message: 'id must be a UUID' }],
  }),
  unauthorized: problem(401, 'unauthorized', 'A bearer access token is required.', PROCESS),
  forbidden: problem(403, 'forbidden', 'Your role does not allow this action.', `${ONE}/refund`),
  orderNotFound: problem(404, 'order-not-found', `Order ${ORDER_ID_EXAMPLE} not found`, PROCESS, {
    order_id: ORDER_ID_EXAMPLE,
  }),
  paymentNotFound: problem(
    404,
    'payment-not-found',
    `Payment ${PAYMENT_ID_EXAMPLE} not found`,
    ONE,
    {
      payment_id: PAYMENT_ID_EXAMPLE,
    },
  ),
  inProgress: problem(
    409,
    'payment-in-progress',
    `Order ${ORDER_ID_EXAMPLE} has a payment still being processed (${PAYMENT_ID_EXAMPLE}); wait for its outcome.`,
    PROCESS,
    { order_id: ORDER_ID_EXAMPLE, payment_id: PAYMENT_ID_EXAMPLE },
  ),
  alreadyPaid: problem(
    409,
    'order-already-paid',
    `Order ${ORDER_ID_EXAMPLE} was already paid by payment ${PAYMENT_ID_EXAMPLE} (aprobado).`,
    PROCESS,
    { order_id: ORDER_ID_EXAMPLE, payment_id: PAYMENT_ID_EXAMPLE, payment_status: 'aprobado' },
  ),
  keyInFlight: problem(
    409,
    'idempotency-key-in-flight',
    'A request with this Idempotency-Key is still being processed. Retry shortly.',
    PROCESS,
  ),
  notRefundable: problem(
    409,
    'payment-not-refundable',
    `Payment ${PAYMENT_ID_EXAMPLE} is rechazado: only an aprobado payment can be refunded.`,
    `${ONE}/refund`,
    { payment_id: PAYMENT_ID_EXAMPLE, current_status: 'rechazado' },
  ),
  refundRefused: problem(
    409,
    'refund-refused',
    `The gateway refused to refund payment ${PAYMENT_ID_EXAMPLE}: charge_disputed`,
    `${ONE}/refund`,
    { payment_id: PAYMENT_ID_EXAMPLE, reason: 'charge_disputed' },
  ),
  notPayable: problem(
    422,
    'order-not-payable',
    `Order ${ORDER_ID_EXAMPLE} was cancelled: it cannot be paid.`,
    PROCESS,
    { order_id: ORDER_ID_EXAMPLE, cancelled: true },
  ),
  amountMismatch: problem(
    422,
    'amount-mismatch',
    'The amount 60.00 does not equal the order total 65.47.',
    PROCESS,
    { order_id: ORDER_ID_EXAMPLE, amount: 60, order_total: 65.47 },
  ),
  methodNotSupported: problem(
    422,
    'payment-method-not-supported',
    'The stripe gateway does not take paypal payments.',
    PROCESS,
    { payment_method: 'paypal', gateway: 'stripe' },
  ),
  keyReused: problem(
    422,
    'idempotency-key-reused',
    'This Idempotency-Key was already used with a different request body.',
    PROCESS,
  ),
  orderDown: problem(
    503,
    'upstream-unavailable',
    'The order service is unavailable. Try again shortly.',
    PROCESS,
  ),
  gatewayDown: problem(
    503,
    'upstream-unavailable',
    'The stripe payment gateway is unavailable. Try again shortly.',
    `${ONE}/refund`,
  ),
  noServiceKey: problem(
    401,
    'unauthorized',
    'A valid service credential (X-Service-Key) is required.',
    INTERNAL,
  ),
};
