import { Injectable } from '@nestjs/common';
import { Payment } from '../../domain/entities/payment';
import { PaymentNotFound } from '../../domain/errors/payment.errors';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { GatewayUnavailable, RefundRefused } from '../errors/payment-request.errors';
import { PaymentGateway, RefundOutcome } from '../ports/payment-gateway.port';
import { PaymentSettlement } from './payment-settlement';

/** One full refund per payment: the gateway's idempotency key is derived from the payment id. */
export function refundKeyOf(paymentId: string): string {
  return `refund-${paymentId}`;
}

/**
 * Asks the payment's gateway for a full refund of an approved payment. The call happens
 * outside any transaction with a key stable per payment, so concurrent or repeated refunds
 * (an admin's and an order cancellation's) move the money back once. Shared by the admin
 * endpoint and the order service's refund message.
 */
@Injectable()
export class GatewayRefunds {
  constructor(private readonly gateway: PaymentGateway) {}

  async refund(payment: Payment): Promise<Exclude<RefundOutcome, { kind: 'unknown' }>> {
    payment.assertRefundable();
    if (payment.gateway !== this.gateway.name) {
      return {
        kind: 'refused',
        reason: `it was charged through the ${payment.gateway} gateway; this service now uses ${this.gateway.name}`,
      };
    }
    if (!payment.gatewayReference) throw new GatewayUnavailable(this.gateway.name);
    const outcome = await this.gateway.refund({
      idempotencyKey: refundKeyOf(payment.id),
      paymentId: payment.id,
      reference: payment.gatewayReference,
      amount: payment.amount,
      currency: payment.currency,
    });
    if (outcome.kind === 'unknown') throw new GatewayUnavailable(this.gateway.name);
    return outcome;
  }
}

/** `POST /payments/{id}/refund` (admin): aprobado → reembolsado, else 409. */
@Injectable()
export class RefundPaymentUseCase {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly refunds: GatewayRefunds,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute(paymentId: string): Promise<Payment> {
    const payment = await this.payments.findById(paymentId);
    if (!payment) throw new PaymentNotFound(paymentId);
    const outcome = await this.refunds.refund(payment);
    if (outcome.kind === 'refused') throw new RefundRefused(payment.id, outcome.reason);
    const { payment: refunded } = await this.settlement.refund(payment.id, outcome);
    return refunded;
  }
}
