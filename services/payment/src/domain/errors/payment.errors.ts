import { DomainError } from '@app/kernel';
import { PaymentStatus } from '../entities/payment-status';

/** Also the answer for another customer's payment: no existence leak. */
export class PaymentNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'payment_not_found';

  constructor(id: string) {
    super(`Payment ${id} not found`, { payment_id: id });
  }
}

/** The order to pay does not exist, or belongs to another customer. */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(id: string) {
    super(`Order ${id} not found`, { order_id: id });
  }
}

export class OrderNotPayable extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'order_not_payable';

  constructor(orderId: string) {
    super(`Order ${orderId} was cancelled: it cannot be paid.`, {
      order_id: orderId,
      cancelled: true,
    });
  }
}

export class AmountMismatch extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'amount_mismatch';

  constructor(orderId: string, amount: string, total: string) {
    super(`The amount ${amount} does not equal the order total ${total}.`, {
      order_id: orderId,
      amount: Number(amount),
      order_total: Number(total),
    });
  }
}

/** Another payment of the order is still waiting for its gateway's answer. */
export class PaymentInProgress extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'payment_in_progress';

  constructor(orderId: string, paymentId: string) {
    super(
      `Order ${orderId} has a payment still being processed (${paymentId}); wait for its outcome.`,
      { order_id: orderId, payment_id: paymentId },
    );
  }
}

/** The order was charged already (its payment is aprobado, or was refunded). */
export class OrderAlreadyPaid extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'order_already_paid';

  constructor(orderId: string, paymentId: string, status: PaymentStatus) {
    super(`Order ${orderId} was already paid by payment ${paymentId} (${status}).`, {
      order_id: orderId,
      payment_id: paymentId,
      payment_status: status,
    });
  }
}

export class PaymentNotRefundable extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'payment_not_refundable';

  constructor(paymentId: string, status: PaymentStatus) {
    super(`Payment ${paymentId} is ${status}: only an aprobado payment can be refunded.`, {
      payment_id: paymentId,
      current_status: status,
    });
  }
}

/** A payment value breaks an invariant (the DTOs catch these first). */
export class InvalidPayment extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_payment';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

/** A move the status table does not allow: a bug in the caller, never a client's request. */
export class IllegalPaymentTransition extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'illegal_payment_transition';

  constructor(from: PaymentStatus, to: PaymentStatus) {
    super(`A payment cannot go from ${from} to ${to}`, {
      current_status: from,
      requested_status: to,
    });
  }
}
