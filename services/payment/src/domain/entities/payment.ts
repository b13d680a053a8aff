import { Money } from '@app/kernel';
import {
  AmountMismatch,
  IllegalPaymentTransition,
  InvalidPayment,
  PaymentNotRefundable,
} from '../errors/payment.errors';
import { CardSummary } from './card';
import { PayableOrder } from './payable-order';
import { PaymentStatus, canTransition } from './payment-status';

export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export function isCardMethod(method: PaymentMethod): boolean {
  return method === 'credit_card' || method === 'debit_card';
}

/** Longest cause the order service records in its history. */
export const CAUSE_MAX = 200;
/** Longest failure reason kept (gateways' decline codes and messages are shorter). */
export const FAILURE_REASON_MAX = 200;
/** The largest amount a numeric(12,2) column is documented to hold, 99,999,999.99, in cents. */
export const MONEY_MAX_CENTS = 9_999_999_999;

export interface PaymentState {
  id: string;
  orderId: string;
  /** the order's customer: the payment's owner */
  userId: string;
  amount: Money;
  currency: string;
  method: PaymentMethod;
  status: PaymentStatus;
  gateway: string;
  gatewayReference: string | null;
  card: CardSummary | null;
  failureReason: string | null;
  approvalUrl: string | null;
  refundReference: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StartPaymentInput {
  id: string;
  order: PayableOrder;
  amount: Money;
  currency: string;
  method: PaymentMethod;
  gateway: string;
  card: CardSummary | null;
}

/**
 * A payment of one order, in integer cents. It starts `pendiente` before the gateway is asked
 * (so the database can refuse a second charge of the same order), and moves by the table in
 * payment-status.ts: the gateway approves or declines it, an approved one can be refunded.
 */
export class Payment {
  private constructor(private state: PaymentState) {}

  /** `amount` must be the order's exact total (whether it may be paid is decided before). */
  static start(input: StartPaymentInput, now = new Date()): Payment {
    const { order, amount } = input;
    if (!amount.equals(order.total)) {
      throw new AmountMismatch(order.id, amount.toDecimalString(), order.total.toDecimalString());
    }
    if (amount.cents <= 0 || amount.cents > MONEY_MAX_CENTS) {
      throw new InvalidPayment('amount', 'amount must be between 0.01 and 99,999,999.99');
    }
    if (isCardMethod(input.method) !== (input.card !== null)) {
      throw new InvalidPayment('card', 'card is required for card methods and only for them');
    }
    if (input.card && !/^\d{4}$/.test(input.card.last4)) {
      throw new InvalidPayment('card', 'a card summary keeps exactly four digits');
    }
    return new Payment({
      id: input.id,
      orderId: order.id,
      userId: order.userId,
      amount,
      currency: input.currency,
      method: input.method,
      status: 'pendiente',
      gateway: input.gateway,
      gatewayReference: null,
      card: input.card ? { ...input.card } : null,
      failureReason: null,
      approvalUrl: null,
      refundReference: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Rebuild from storage: the data was valid when written. */
  static restore(state: PaymentState): Payment {
    return new Payment({ ...state, card: state.card ? { ...state.card } : null });
  }

  get id(): string {
    return this.state.id;
  }
  get orderId(): string {
    return this.state.orderId;
  }
  get userId(): string {
    return this.state.userId;
  }
  get amount(): Money {
    return this.state.amount;
  }
  get currency(): string {
    return this.state.currency;
  }
  get method(): PaymentMethod {
    return this.state.method;
  }
  get status(): PaymentStatus {
    return this.state.status;
  }
  get gateway(): string {
    return this.state.gateway;
  }
  get gatewayReference(): string | null {
    return this.state.gatewayReference;
  }
  get card(): CardSummary | null {
    return this.state.card ? { ...this.state.card } : null;
  }
  get failureReason(): string | null {
    return this.state.failureReason;
  }
  get approvalUrl(): string | null {
    return this.state.approvalUrl;
  }
  get refundReference(): string | null {
    return this.state.refundReference;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  isOwnedBy(userId: string): boolean {
    return this.state.userId.toLowerCase() === userId.toLowerCase();
  }

  isPending(): boolean {
    return this.state.status === 'pendiente';
  }

  /** The gateway charged it. */
  approve(reference: string, now = new Date()): void {
    this.move('aprobado', now);
    this.state.gatewayReference = reference;
    this.state.approvalUrl = null;
  }

  /** The gateway refused it; the order may be paid by a new attempt. */
  decline(reason: string, reference: string | null, now = new Date()): void {
    this.move('rechazado', now);
    const trimmed = reason.trim() || 'declined';
    this.state.failureReason = trimmed.slice(0, FAILURE_REASON_MAX);
    if (reference) this.state.gatewayReference = reference;
    this.state.approvalUrl = null;
  }

  /** Still waiting for the gateway; keeps what it told so far (its id, a buyer's approval link). */
  awaitGateway(reference: string | null, approvalUrl: string | null, now = new Date()): void {
    if (!this.isPending()) throw new IllegalPaymentTransition(this.state.status, 'pendiente');
    if (reference) this.state.gatewayReference = reference;
    if (approvalUrl) this.state.approvalUrl = approvalUrl;
    this.state.updatedAt = now;
  }

  /** Checked before the gateway is asked for a refund. */
  assertRefundable(): void {
    if (this.state.status !== 'aprobado') throw new PaymentNotRefundable(this.id, this.status);
  }

  refund(refundReference: string, now = new Date()): void {
    this.assertRefundable();
    this.move('reembolsado', now);
    this.state.refundReference = refundReference;
  }

  private move(target: PaymentStatus, now: Date): void {
    if (!canTransition(this.state.status, target)) {
      throw new IllegalPaymentTransition(this.state.status, target);
    }
    this.state.status = target;
    this.state.updatedAt = now;
  }
}
