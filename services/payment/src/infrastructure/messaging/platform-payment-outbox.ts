import { Injectable } from '@nestjs/common';
import { EventPayload } from '@app/contracts';
import { EventOutbox } from '@app/kernel';
import { PaymentOutbox } from '../../application/ports/payment-outbox.port';
import { Payment } from '../../domain/entities/payment';

/** payment.declined's `reason` is 1-200 characters. */
const REASON_MAX = 200;

/**
 * PaymentOutbox over the platform's event outbox: each fact is one integration event of the
 * catalogue (@app/contracts), its subject the order id, so one order's events reach each
 * subscriber in the order they were written.
 */
@Injectable()
export class PlatformPaymentOutbox extends PaymentOutbox {
  constructor(private readonly events: EventOutbox) {
    super();
  }

  async paymentApproved(payment: Payment): Promise<void> {
    const payload: EventPayload<'payment.approved'> = facts(payment);
    await this.events.publish({ type: 'payment.approved', subject: payment.orderId, payload });
  }

  async paymentDeclined(payment: Payment): Promise<void> {
    const payload: EventPayload<'payment.declined'> = {
      ...facts(payment),
      reason: (payment.failureReason || 'declined').slice(0, REASON_MAX),
    };
    await this.events.publish({ type: 'payment.declined', subject: payment.orderId, payload });
  }

  async paymentRefunded(payment: Payment): Promise<void> {
    const payload: EventPayload<'payment.refunded'> = facts(payment);
    await this.events.publish({ type: 'payment.refunded', subject: payment.orderId, payload });
  }
}

function facts(payment: Payment): { payment_id: string; order_id: string; amount: number } {
  return { payment_id: payment.id, order_id: payment.orderId, amount: payment.amount.toNumber() };
}
