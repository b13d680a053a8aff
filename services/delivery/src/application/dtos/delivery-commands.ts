import { DeliveryAddress } from '../../domain/entities/delivery';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import { Requester } from './requester';

/** An order was paid (`order.paid`): its shipment opens if it has an address. */
export interface OrderPaidFact {
  orderId: string;
  userId: string;
  /** null: the order has none; its owner may ask for a delivery later (POST /deliveries) */
  address: DeliveryAddress | null;
}

/** An order was cancelled (`order.cancelled`). */
export interface OrderCancelledFact {
  orderId: string;
  cause: string;
}

export type FactOutcome =
  | 'created'
  | 'existing'
  | 'no_address'
  | 'cancelled'
  | 'unchanged'
  | 'no_delivery'
  | 'order_cancelled';

/** What a fact did, and the order's delivery after it (null when there is none). */
export interface FactResult {
  outcome: FactOutcome;
  delivery: Delivery | null;
}

/** The owner (or admin) asks for the shipment of a paid order. */
export interface RequestDeliveryCommand {
  requester: Requester;
  /** forwarded to the order service, which checks the order is the requester's */
  userToken: string;
  orderId: string;
  address: DeliveryAddress;
}

export interface RequestDeliveryResult {
  created: boolean;
  delivery: Delivery;
}

export interface ChangeDeliveryStatusCommand {
  deliveryId: string;
  target: DeliveryStatus;
}
