/**
 * Orders this service has been told are cancelled (the cancellation message), remembered so
 * that a create that arrives later (out of order, or an owner's request racing the cancel)
 * never opens a delivery for a cancelled order. Joins the caller's unit of work.
 */
export abstract class OrderCancellations {
  /** Idempotent: the first cause is kept. */
  abstract record(orderId: string, cause: string, at: Date): Promise<void>;
  abstract isCancelled(orderId: string): Promise<boolean>;
}
