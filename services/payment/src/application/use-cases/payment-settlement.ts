import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Payment } from '../../domain/entities/payment';
import { PaymentNotFound } from '../../domain/errors/payment.errors';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { RefundRefused } from '../errors/payment-request.errors';
import { GatewayOutcome, RefundOutcome } from '../ports/payment-gateway.port';
import { PaymentOutbox } from '../ports/payment-outbox.port';

const RERUNNABLE = { rerunOnConnectionLoss: true };

/** What the gateway said, applied to a payment still `pendiente` (in memory). */
export function applyOutcome(payment: Payment, outcome: GatewayOutcome): void {
  switch (outcome.kind) {
    case 'approved':
      payment.approve(outcome.reference);
      break;
    case 'declined':
      payment.decline(outcome.reason, outcome.reference);
      break;
    case 'unknown':
      payment.awaitGateway(outcome.reference, null);
      break;
    case 'awaiting_payer':
      payment.awaitGateway(outcome.reference, outcome.approvalUrl);
      break;
  }
}

/**
 * Applies what a gateway said to a stored payment, once. Each call is one transaction with the
 * payment's row locked, so the request that charged and a reconciliation pass asking about the
 * same payment cannot both apply an answer: whoever comes second finds it settled and changes
 * nothing. Approving or declining publishes `payment.approved` / `payment.declined` in the same
 * transaction. Settling again is harmless for the same reason, so a transaction whose database
 * connection dropped runs again (`rerunOnConnectionLoss`: it loads everything it changes).
 */
@Injectable()
export class PaymentSettlement {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly outbox: PaymentOutbox,
  ) {}

  settle(
    paymentId: string,
    outcome: GatewayOutcome,
    alsoInTransaction?: (payment: Payment) => Promise<void>,
  ): Promise<Payment> {
    return this.uow.run(async () => {
      const payment = await this.payments.findByIdForUpdate(paymentId);
      if (!payment) throw new PaymentNotFound(paymentId);
      if (payment.isPending()) {
        applyOutcome(payment, outcome);
        await this.payments.save(payment);
        if (payment.status === 'aprobado') await this.outbox.paymentApproved(payment);
        if (payment.status === 'rechazado') await this.outbox.paymentDeclined(payment);
      }
      await alsoInTransaction?.(payment);
      return payment;
    }, RERUNNABLE);
  }

  /**
   * A refund the gateway confirmed moves an approved payment to `reembolsado` and publishes
   * `payment.refunded`, in one transaction. A payment already
   * refunded stays as it is; `refunded` says whether this call refunded it. A refusal changes
   * nothing: RefundRefused (409). Call it inside the caller's unit of work or on its own.
   */
  async refund(
    paymentId: string,
    outcome: Exclude<RefundOutcome, { kind: 'unknown' }>,
  ): Promise<{ payment: Payment; refunded: boolean }> {
    if (outcome.kind === 'refused') throw new RefundRefused(paymentId, outcome.reason);
    return this.uow.run(async () => {
      const payment = await this.payments.findByIdForUpdate(paymentId);
      if (!payment) throw new PaymentNotFound(paymentId);
      if (payment.status !== 'aprobado') return { payment, refunded: false };
      payment.refund(outcome.reference ?? 'refunded-at-gateway');
      await this.payments.save(payment);
      await this.outbox.paymentRefunded(payment);
      return { payment, refunded: true };
    }, RERUNNABLE);
  }
}
