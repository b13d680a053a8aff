/** A paid order's cancel that was asked for and is not finished yet. */
export interface PendingCancellation {
  orderId: string;
  /** the history's cause when it completes (`cancelled by the customer`, …) */
  cause: string;
  requestedAt: Date;
  /** recovery passes that took it up so far */
  attempts: number;
}

/**
 * Cancels of paid orders in progress (`pending_cancellations`). A cancel writes its row, in a
 * transaction of its own, before it asks the delivery service to stop the goods, and removes it
 * in the transaction that cancels the order (or when delivery answers that the goods left). A
 * row that outlives its request (the process died after delivery stopped the goods, or delivery
 * did not answer) is due for recovery at `dueAt`, which asks delivery again and finishes the
 * cancel either way. Joins the caller's unit of work.
 */
export abstract class PendingCancellations {
  /** Keeps the first row when the order has one already (two cancels at once). */
  abstract open(pending: PendingCancellation, dueAt: Date): Promise<void>;
  abstract find(orderId: string): Promise<PendingCancellation | null>;
  /** True when there was a row to remove. */
  abstract remove(orderId: string): Promise<boolean>;
  /**
   * Up to `limit` rows due at `now`, oldest due first, each made due again only at `leaseUntil`
   * (so another replica's pass leaves them alone meanwhile, and a pass that dies hands them on).
   */
  abstract claimDue(now: Date, leaseUntil: Date, limit: number): Promise<PendingCancellation[]>;
}
