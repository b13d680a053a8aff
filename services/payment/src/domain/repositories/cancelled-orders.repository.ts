/**
 * Orders this service has been told are cancelled (`order.cancelled`), so that it refuses to
 * charge them without reading anyone's status. Joins the caller's unit of work.
 */
export abstract class CancelledOrders {
  /** Idempotent: the first record is kept. */
  abstract record(orderId: string, at: Date): Promise<void>;
  abstract isCancelled(orderId: string): Promise<boolean>;
}
