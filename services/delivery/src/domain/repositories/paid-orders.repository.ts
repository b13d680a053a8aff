/**
 * Orders this service has been told are paid (`order.paid`), remembered so that an owner's
 * request for a delivery needs no one's status words: an order is deliverable once paid and not
 * cancelled, by the facts this service received. Joins the caller's unit of work.
 */
export abstract class PaidOrders {
  /** Idempotent: the first record is kept. */
  abstract record(orderId: string, userId: string, at: Date): Promise<void>;
  abstract isPaid(orderId: string): Promise<boolean>;
}
