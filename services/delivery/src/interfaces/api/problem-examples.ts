import { problemExample as problem } from '@app/platform';

export { ApiProblem } from '@app/platform';

export const DELIVERY_ID_EXAMPLE = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
export const ORDER_ID_EXAMPLE = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
export const TRACKING_NUMBER_EXAMPLE = 'NC7K2M9QX4TB';

const DELIVERIES = '/api/v1/deliveries';
const INTERNAL = '/api/v1/internal/deliveries';

export const EXAMPLES = {
  validation: problem(400, 'validation-error', 'The request has invalid fields.', DELIVERIES, {
    errors: [
      {
        field: 'address.country',
        message: 'country must be an ISO 3166-1 alpha-2 code (e.g. ES)',
      },
    ],
  }),
  badStatus: problem(
    400,
    'validation-error',
    'The request has invalid fields.',
    `${DELIVERIES}/${DELIVERY_ID_EXAMPLE}/status`,
    {
      errors: [
        {
          field: 'status',
          message:
            'status must be one of the following values: pendiente, en_transito, entregada, cancelada',
        },
      ],
    },
  ),
  badQuery: problem(400, 'validation-error', 'The request has invalid fields.', DELIVERIES, {
    errors: [{ field: 'limit', message: 'limit must not be less than 1' }],
  }),
  badId: problem(400, 'validation-error', 'The request has invalid fields.', `${DELIVERIES}/nope`, {
    errors: [{ field: 'id', message: 'id must be a UUID' }],
  }),
  badTrackingNumber: problem(
    400,
    'validation-error',
    'The request has invalid fields.',
    `${DELIVERIES}/track/12345`,
    {
      errors: [
        {
          field: 'tracking_number',
          message:
            'tracking_number must be NC followed by 10 characters of 0-9 and A-Z (no I, L, O, U)',
        },
      ],
    },
  ),
  unauthorized: problem(401, 'unauthorized', 'A bearer access token is required.', DELIVERIES),
  forbidden: problem(
    403,
    'forbidden',
    'Your role does not allow this action.',
    `${DELIVERIES}/${DELIVERY_ID_EXAMPLE}/status`,
  ),
  noServiceKey: problem(
    401,
    'unauthorized',
    'A valid service credential (X-Service-Key) is required.',
    INTERNAL,
  ),
  deliveryNotFound: problem(
    404,
    'delivery-not-found',
    `Delivery ${DELIVERY_ID_EXAMPLE} not found`,
    `${DELIVERIES}/${DELIVERY_ID_EXAMPLE}`,
    { delivery_id: DELIVERY_ID_EXAMPLE },
  ),
  noDeliveryForOrder: problem(
    404,
    'delivery-not-found',
    `Order ${ORDER_ID_EXAMPLE} has no delivery`,
    `${INTERNAL}/by-order/${ORDER_ID_EXAMPLE}`,
    { order_id: ORDER_ID_EXAMPLE },
  ),
  trackingNotFound: problem(
    404,
    'tracking-number-not-found',
    `No delivery has tracking number ${TRACKING_NUMBER_EXAMPLE}`,
    `${DELIVERIES}/track/${TRACKING_NUMBER_EXAMPLE}`,
    { tracking_number: TRACKING_NUMBER_EXAMPLE },
  ),
  orderNotFound: problem(
    404,
    'order-not-found',
    `Order ${ORDER_ID_EXAMPLE} not found`,
    DELIVERIES,
    {
      order_id: ORDER_ID_EXAMPLE,
    },
  ),
  illegalTransition: problem(
    409,
    'illegal-transition',
    'A delivery cannot go from entregada to en_transito',
    `${DELIVERIES}/${DELIVERY_ID_EXAMPLE}/status`,
    { current_status: 'entregada', requested_status: 'en_transito' },
  ),
  alreadyLeft: problem(
    409,
    'delivery-already-left',
    `The delivery of order ${ORDER_ID_EXAMPLE} has left (en_transito); it can no longer be stopped`,
    `${INTERNAL}/by-order/${ORDER_ID_EXAMPLE}/stop`,
    {
      order_id: ORDER_ID_EXAMPLE,
      delivery_id: DELIVERY_ID_EXAMPLE,
      current_status: 'en_transito',
    },
  ),
  movedMeanwhile: problem(
    409,
    'illegal-transition',
    'A delivery cannot go from cancelada to en_transito',
    `${DELIVERIES}/${DELIVERY_ID_EXAMPLE}/status`,
    { current_status: 'cancelada', requested_status: 'en_transito' },
  ),
  orderNotPaid: problem(
    422,
    'order-not-paid',
    `Order ${ORDER_ID_EXAMPLE} is not known to be paid: a delivery is for a paid order.`,
    DELIVERIES,
    { order_id: ORDER_ID_EXAMPLE, cancelled: false },
  ),
  orderDown: problem(
    503,
    'upstream-unavailable',
    'The order service is unavailable. Try again shortly.',
    DELIVERIES,
  ),
};
