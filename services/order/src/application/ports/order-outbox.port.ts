import { OrderFact } from '../../domain/entities/order-facts';

/**
 * The order's facts on their way out (`order.placed`, `order.paid`, `order.cancelled`):
 * `publish` writes them in the caller's unit of work, so they commit, or roll back, with the
 * change; the platform then delivers them to whoever subscribes, until acknowledged. One
 * order's facts reach each subscriber in the order they were written.
 */
export abstract class OrderOutbox {
  abstract publish(facts: OrderFact[]): Promise<void>;
}
