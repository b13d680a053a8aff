/** A fact another service reports about an order, which does not move its status. */
export interface RecordEventCommand {
  orderId: string;
  /** the event that carried the fact, kept in the order's history */
  eventId: string;
  /** `refunded` (payment refunded its payment), `validated` (order-validation checked it) */
  type: 'refunded' | 'validated';
  cause: string;
  paymentId?: string;
}
