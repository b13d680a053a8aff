// Where each outbox message is delivered: the receivers' internal endpoints (service key only).
// docs/messaging.md lists who sends what and what the receiver does.
export const MESSAGE_PATHS = {
  /** payment, delivery → order: ChangeOrderStatusDto */
  orderStatus: (orderId: string) => `/api/v1/internal/orders/${orderId}/status`,
  /** payment → order: RecordOrderEventDto, a fact that does not move the status (refunded) */
  orderEvents: (orderId: string) => `/api/v1/internal/orders/${orderId}/events`,
  /** order → delivery: CreateDeliveryMessageDto, when an order with an address becomes pagada */
  createDelivery: () => '/api/v1/internal/deliveries',
  /** order → delivery: CancelDeliveryMessageDto, when an order is cancelled */
  cancelDelivery: () => '/api/v1/internal/deliveries/cancellations',
  /** order → payment: RefundOrderPaymentMessageDto, when a paid order is cancelled */
  refundPayment: () => '/api/v1/internal/payments/refunds',
  /** order → product: stock release of a cancelled order (no body needed) */
  releaseStock: (orderId: string) => `/api/v1/stock/reservations/${orderId}/release`,
} as const;

export const MESSAGE_TYPES = {
  paymentApproved: 'payment.approved',
  paymentRefunded: 'payment.refunded',
  orderPaid: 'order.paid',
  orderCancelled: 'order.cancelled',
  deliveryInTransit: 'delivery.in_transit',
  deliveryDelivered: 'delivery.delivered',
} as const;
