import { Money } from '@app/kernel';
import { CardBrand } from '../../domain/entities/card';
import { Payment, PaymentMethod } from '../../domain/entities/payment';
import { PaymentStatus } from '../../domain/entities/payment-status';
import { PaymentOrmEntity } from '../database/payment.orm-entity';

/** Domain payment ↔ `payments` row. Money crosses as numeric(12,2) strings, never floats. */
export const PaymentMapper = {
  toOrm(payment: Payment): PaymentOrmEntity {
    const row = new PaymentOrmEntity();
    row.id = payment.id;
    row.orderId = payment.orderId;
    row.userId = payment.userId;
    row.amount = payment.amount.toDecimalString();
    row.currency = payment.currency;
    row.paymentMethod = payment.method;
    row.status = payment.status;
    row.gateway = payment.gateway;
    row.gatewayReference = payment.gatewayReference;
    row.cardLast4 = payment.card?.last4 ?? null;
    row.cardBrand = payment.card?.brand ?? null;
    row.failureReason = payment.failureReason;
    row.approvalUrl = payment.approvalUrl;
    row.refundReference = payment.refundReference;
    row.createdAt = payment.createdAt;
    row.updatedAt = payment.updatedAt;
    return row;
  },

  toDomain(row: PaymentOrmEntity): Payment {
    return Payment.restore({
      id: row.id,
      orderId: row.orderId,
      userId: row.userId,
      amount: Money.fromDecimal(row.amount),
      currency: row.currency.trim(),
      method: row.paymentMethod as PaymentMethod,
      status: row.status as PaymentStatus,
      gateway: row.gateway,
      gatewayReference: row.gatewayReference,
      card: row.cardLast4
        ? { last4: row.cardLast4, brand: (row.cardBrand ?? 'unknown') as CardBrand }
        : null,
      failureReason: row.failureReason,
      approvalUrl: row.approvalUrl,
      refundReference: row.refundReference,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },
};
