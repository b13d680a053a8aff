import { ImpliedOrderStatus } from '../../domain/entities/delivery-status';

export interface OrderStatusNotice {
  orderId: string;
  deliveryId: string;
  status: ImpliedOrderStatus;
  /** recorded in the order's history (1-200 characters) */
  cause: string;
}

/**
 * Tells the order service that a delivery moved its order along. Called inside the use case's
 * unit of work: the notice is stored (outbox) if and only if the status change commits, and is
 * delivered later, with retries, until the order service acknowledges it.
 */
export abstract class OrderStatusNotifier {
  abstract notify(notice: OrderStatusNotice): Promise<void>;
}
