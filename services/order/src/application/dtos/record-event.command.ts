import { Order } from '../../domain/entities/order';

/** A fact another service reports about an order, which does not move its status. */
export interface RecordEventCommand {
  orderId: string;
  messageId: string;
  /** only `refunded` today (payment, after refunding a cancelled order's payment) */
  type: 'refunded';
  cause: string;
  paymentId?: string;
}

/** recorded: the event was appended now; duplicate: this message_id was processed before. */
export interface RecordEventResult {
  order: Order;
  outcome: 'recorded' | 'duplicate';
}
