import { Injectable } from '@nestjs/common';
import { MessageInbox, UnitOfWork } from '@app/kernel';
import { Payment } from '../../domain/entities/payment';
import { PaymentRepository } from '../../domain/repositories/payment.repository';
import { CAUSE_MAX } from '../../domain/entities/payment';
import { RefundRefused } from '../errors/payment-request.errors';
import { RefundOutcome } from '../ports/payment-gateway.port';
import { PaymentSettlement } from './payment-settlement';
import { GatewayRefunds } from './refund-payment.use-case';

export interface RefundOrderPaymentCommand {
  messageId: string;
  orderId: string;
  cause: string;
}

export type RefundOrderOutcome = 'refunded' | 'already_refunded' | 'no_payment' | 'duplicate';

export interface RefundOrderPaymentResult {
  outcome: RefundOrderOutcome;
  payment: Payment | null;
}

/**
 * The order service's message "this paid order was cancelled (or a payment arrived after the
 * cancellation): refund it". Applied once per message id: the inbox records it in the
 * transaction that marks the payment `reembolsado`. The gateway refund happens first, outside
 * the transaction, under a key stable per payment, so a redelivered or concurrent message moves
 * no money twice. A gateway that does not answer is a 503 and nothing is recorded: the relay
 * delivers the message again later. No approved payment: acknowledged, nothing to do.
 */
@Injectable()
export class RefundOrderPaymentUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly inbox: MessageInbox,
    private readonly payments: PaymentRepository,
    private readonly refunds: GatewayRefunds,
    private readonly settlement: PaymentSettlement,
  ) {}

  async execute(command: RefundOrderPaymentCommand): Promise<RefundOrderPaymentResult> {
    const charge = await this.payments.findChargeOfOrder(command.orderId);
    let refund: Exclude<RefundOutcome, { kind: 'unknown' }> | null = null;
    if (charge?.status === 'aprobado') {
      refund = await this.refunds.refund(charge);
      if (refund.kind === 'refused') throw new RefundRefused(charge.id, refund.reason);
    }

    return this.uow.run(async () => {
      const first = await this.inbox.firstDelivery(command.messageId);
      const payment = charge ? await this.payments.findByIdForUpdate(charge.id) : null;
      if (!first) return { outcome: 'duplicate', payment };
      if (!payment) return { outcome: 'no_payment', payment: null };
      if (payment.status === 'aprobado' && refund?.kind === 'refunded') {
        const done = await this.settlement.refund(payment.id, refund, refundCause(command.cause));
        return { outcome: 'refunded', payment: done.payment };
      }
      if (payment.status === 'reembolsado') return { outcome: 'already_refunded', payment };
      return { outcome: 'no_payment', payment };
    });
  }
}

/** The order's cause, as the history of the refund: "refunded: order cancelled by its owner". */
function refundCause(cause: string): string {
  return `refunded: ${cause.trim()}`.slice(0, CAUSE_MAX);
}
