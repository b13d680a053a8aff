import { Injectable } from '@nestjs/common';
import { Payment } from '../../domain/entities/payment';
import { CancelledOrders } from '../../domain/repositories/cancelled-orders.repository';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { RefundRefused } from '../errors/payment-request.errors';
import { PaymentSettlement } from './payment-settlement';
import { GatewayRefunds } from './refund-payment.use-case';

export type RefundOrderOutcome = 'refunded' | 'already_refunded' | 'no_payment';

export interface RefundOrderPaymentResult {
  outcome: RefundOrderOutcome;
  payment: Payment | null;
}

/**
 * An order was cancelled (`order.cancelled`): it is remembered (no later payment of it is taken)
 * and its approved payment, if any, is refunded. Runs in
 * the unit of work of the event's inbox record, so an event applies once. The gateway refund
 * uses a key stable per payment, so a redelivered or restated cancellation moves no money twice.
 * A gateway that does not answer throws (unavailable): nothing is recorded and the event is
 * delivered again later. No approved payment (none, pending, declined, already refunded): done,
 * nothing to do. A cancellation stated again after a late approval (the order restates it when
 * a payment is approved for an order already cancelled) finds the approved payment and refunds it.
 */
@Injectable()
export class RefundOrderPaymentUseCase {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly refunds: GatewayRefunds,
    private readonly settlement: PaymentSettlement,
    private readonly cancelledOrders: CancelledOrders,
  ) {}

  async execute(orderId: string): Promise<RefundOrderPaymentResult> {
    // remembered first: from now on the order is not charged (a later payment is refused)
    await this.cancelledOrders.record(orderId, new Date());
    const charge = await this.payments.findChargeOfOrder(orderId);
    if (!charge) return { outcome: 'no_payment', payment: null };
    if (charge.status === 'reembolsado') return { outcome: 'already_refunded', payment: charge };
    if (charge.status !== 'aprobado') return { outcome: 'no_payment', payment: charge };
    const refund = await this.refunds.refund(charge);
    if (refund.kind === 'refused') throw new RefundRefused(charge.id, refund.reason);
    const done = await this.settlement.refund(charge.id, refund);
    return { outcome: done.refunded ? 'refunded' : 'already_refunded', payment: done.payment };
  }
}
