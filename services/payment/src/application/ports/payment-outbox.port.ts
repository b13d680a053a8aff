import { Payment } from '../../domain/entities/payment';

/**
 * What other services must learn about payments, written in the caller's unit of work (so it
 * commits, or rolls back, with the status change) and delivered by the relay until the
 * receiver acknowledges it, even if that service is down right now.
 */
export abstract class PaymentOutbox {
  /** The order service moves the order to `pagada` (once per message). */
  abstract paymentApproved(payment: Payment): Promise<void>;
  /** The order service records a `refunded` event in the order's history (status unchanged). */
  abstract paymentRefunded(payment: Payment, cause: string): Promise<void>;
}
