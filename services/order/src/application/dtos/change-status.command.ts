import { OrderStatus } from '../../domain/entities/order-status';
import { Order } from '../../domain/entities/order';

/** The status another service's fact implies for an order (payment approved → pagada, …). */
export interface ChangeStatusCommand {
  orderId: string;
  /** the event that carried the fact, kept in the order's history */
  eventId: string;
  target: OrderStatus;
  cause: string;
  paymentId?: string;
  deliveryId?: string;
}

/**
 * applied: moved now; already_reached: a late or repeated fact, no-op; refund_requested: `pagada`
 * for an order cancelled before it was paid, the cancellation was stated again for payment;
 * ignored: a target a final status can never take (in transit for a cancelled order), no-op.
 */
export type StatusChangeOutcome = 'applied' | 'already_reached' | 'refund_requested' | 'ignored';

export interface ChangeStatusResult {
  order: Order;
  outcome: StatusChangeOutcome;
}
