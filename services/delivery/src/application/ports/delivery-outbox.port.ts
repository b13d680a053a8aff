import { Delivery } from '../../domain/entities/delivery';

/**
 * The delivery's facts on their way out (`delivery.created`, `delivery.in_transit`,
 * `delivery.delivered`, `delivery.cancelled`), written in the caller's unit of work: stored if
 * and only if the change commits, then delivered to whoever subscribes until acknowledged. What
 * a subscriber (the order) makes of them is its own business.
 */
export abstract class DeliveryOutbox {
  abstract opened(delivery: Delivery): Promise<void>;
  /** the delivery's current status says which fact: en_transito, entregada */
  abstract moved(delivery: Delivery): Promise<void>;
  abstract cancelled(delivery: Delivery, cause: string): Promise<void>;
}
