import { DeliveryAddress } from '../../domain/entities/delivery';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import { Requester } from './requester';

/** order → delivery: open the shipment of a paid order (once per message id). */
export interface CreateDeliveryMessage {
  messageId: string;
  orderId: string;
  userId: string;
  address: DeliveryAddress;
}

/** order → delivery: the order was cancelled (once per message id). */
export interface CancelDeliveryMessage {
  messageId: string;
  orderId: string;
  cause: string;
}

export type MessageOutcome =
  | 'created'
  | 'existing'
  | 'cancelled'
  | 'unchanged'
  | 'no_delivery'
  | 'order_cancelled'
  | 'duplicate';

/** What a message did, and the order's delivery after it (null when there is none). */
export interface MessageResult {
  outcome: MessageOutcome;
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
