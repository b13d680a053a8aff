import { Payment } from '../../domain/entities/payment';

/**
 * The payment's facts on their way out (`payment.approved`, `payment.declined`,
 * `payment.refunded`), written in the caller's unit of work (so they commit, or roll back, with
 * the status change) and delivered to whoever subscribes until acknowledged, even if that
 * service is down right now. What a subscriber makes of them is its own business.
 */
export abstract class PaymentOutbox {
  abstract paymentApproved(payment: Payment): Promise<void>;
  abstract paymentDeclined(payment: Payment): Promise<void>;
  abstract paymentRefunded(payment: Payment): Promise<void>;
}
