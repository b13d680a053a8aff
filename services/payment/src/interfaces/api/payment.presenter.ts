import { PaymentPageDto, PaymentResponseDto, ProcessPaymentDto } from '@app/contracts';
import { CardDetails } from '../../application/ports/payment-gateway.port';
import { Payment } from '../../domain/entities/payment';
import { PaymentPage } from '../../domain/repositories/payment.repository';

/** Domain → wire, whitelisting fields: nothing of a card beyond its last four digits and brand. */
export const PaymentPresenter = {
  toResponse(payment: Payment): PaymentResponseDto {
    return {
      id: payment.id,
      order_id: payment.orderId,
      user_id: payment.userId,
      amount: payment.amount.toNumber(),
      currency: payment.currency,
      payment_method: payment.method,
      status: payment.status,
      gateway: payment.gateway as PaymentResponseDto['gateway'],
      gateway_reference: payment.gatewayReference,
      card_last4: payment.card?.last4 ?? null,
      card_brand: payment.card?.brand ?? null,
      failure_reason: payment.failureReason,
      approval_url: payment.approvalUrl,
      refund_reference: payment.refundReference,
      created_at: payment.createdAt.toISOString(),
      updated_at: payment.updatedAt.toISOString(),
    };
  },

  toPage(page: PaymentPage, limit: number, offset: number): PaymentPageDto {
    return {
      items: page.items.map((payment) => PaymentPresenter.toResponse(payment)),
      total: page.total,
      limit,
      offset,
    };
  },

  /** 202 while the gateway's answer is still awaited (settled later), 201 once decided. */
  statusOf(payment: Payment): number {
    return payment.isPending() ? 202 : 201;
  },

  toCard(dto: ProcessPaymentDto): CardDetails | null {
    if (!dto.card) return null;
    return {
      number: dto.card.number,
      expMonth: dto.card.exp_month,
      expYear: dto.card.exp_year,
      cvc: dto.card.cvc,
    };
  },

  /**
   * What identifies a request for its Idempotency-Key: the body, with the card reduced to its
   * last four digits and expiry. A hash of the full number would be no protection at all (with
   * the last four and the issuer prefix known, the few digits left fall to brute force), so
   * neither it nor the CVC goes into the stored hash.
   */
  fingerprintOf(dto: ProcessPaymentDto): unknown {
    const { card, ...rest } = dto;
    return card
      ? {
          ...rest,
          card: {
            last4: card.number.slice(-4),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
          },
        }
      : rest;
  },
};
