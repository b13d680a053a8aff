import { OrderStatus } from '../../domain/entities/order-status';
import { Order } from '../../domain/entities/order';

export interface ChangeStatusCommand {
  orderId: string;
  messageId: string;
  target: OrderStatus;
  cause: string;
  paymentId?: string;
  deliveryId?: string;
}

/**
 * applied: moved now; duplicate: this message_id was processed before; already_reached: no-op;
 * refund_requested: `pagada` for an order cancelled before it was paid, a refund was enqueued.
 */
export type StatusChangeOutcome = 'applied' | 'duplicate' | 'already_reached' | 'refund_requested';

export interface ChangeStatusResult {
  order: Order;
  outcome: StatusChangeOutcome;
}
