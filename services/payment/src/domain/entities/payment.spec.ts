import { Money } from '@app/kernel';
import {
  AmountMismatch,
  IllegalPaymentTransition,
  InvalidPayment,
  PaymentNotRefundable,
} from '../errors/payment.errors';
import { brandOf, summarizeCard } from './card';
import { PayableOrder } from './payable-order';
import { Payment, StartPaymentInput } from './payment';
import { PAYMENT_STATUSES, canTransition } from './payment-status';

const order: PayableOrder = {
  id: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10',
  userId: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f',
  total: Money.fromDecimal('65.47'),
  cancelled: false,
};

function input(change: Partial<StartPaymentInput> = {}): StartPaymentInput {
  return {
    id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
    order,
    amount: Money.ofCents(6547),
    currency: 'eur',
    method: 'credit_card',
    gateway: 'simulated',
    card: { last4: '4242', brand: 'visa' },
    ...change,
  };
}

describe('Payment', () => {
  it('starts pendiente for the order’s customer, in cents', () => {
    const payment = Payment.start(input());
    expect(payment.status).toBe('pendiente');
    expect(payment.userId).toBe(order.userId);
    expect(payment.amount.cents).toBe(6547);
    expect(payment.isOwnedBy(order.userId.toUpperCase())).toBe(true);
  });

  it('refuses an amount other than the order’s total', () => {
    expect(() => Payment.start(input({ amount: Money.ofCents(6546) }))).toThrow(AmountMismatch);
  });

  it('keeps a card summary for card methods only', () => {
    expect(() => Payment.start(input({ card: null }))).toThrow(InvalidPayment);
    expect(() => Payment.start(input({ method: 'paypal' }))).toThrow(InvalidPayment);
    expect(Payment.start(input({ method: 'paypal', card: null })).card).toBeNull();
    expect(() => Payment.start(input({ card: { last4: '42424', brand: 'visa' } }))).toThrow(
      InvalidPayment,
    );
  });

  it('is approved or declined once; a decline keeps a reason', () => {
    const approved = Payment.start(input());
    approved.approve('ch_1');
    expect([approved.status, approved.gatewayReference]).toEqual(['aprobado', 'ch_1']);
    expect(() => approved.decline('late', null)).toThrow(IllegalPaymentTransition);
    expect(() => approved.approve('ch_2')).toThrow(IllegalPaymentTransition);

    const declined = Payment.start(input());
    declined.decline('  ', 'ch_3');
    expect([declined.status, declined.failureReason]).toEqual(['rechazado', 'declined']);
    const long = Payment.start(input());
    long.decline('x'.repeat(500), null);
    expect(long.failureReason).toHaveLength(200);
  });

  it('while pending, keeps what the gateway told so far', () => {
    const payment = Payment.start(input());
    payment.awaitGateway('PAYPAL-ORDER', 'https://paypal.test/approve');
    expect(payment.gatewayReference).toBe('PAYPAL-ORDER');
    expect(payment.approvalUrl).toBe('https://paypal.test/approve');
    payment.approve('PAYPAL-ORDER');
    expect(payment.approvalUrl).toBeNull();
    expect(() => payment.awaitGateway('x', null)).toThrow(IllegalPaymentTransition);
  });

  it('refunds only an approved payment', () => {
    const pending = Payment.start(input());
    expect(() => pending.refund('re_1')).toThrow(PaymentNotRefundable);
    pending.approve('ch_1');
    pending.refund('re_1');
    expect([pending.status, pending.refundReference]).toEqual(['reembolsado', 're_1']);
    expect(() => pending.refund('re_2')).toThrow(PaymentNotRefundable);
  });

  it('the status table: pendiente → aprobado|rechazado, aprobado → reembolsado, nothing else', () => {
    const allowed = PAYMENT_STATUSES.flatMap((from) =>
      PAYMENT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual(['pendiente>aprobado', 'pendiente>rechazado', 'aprobado>reembolsado']);
  });
});

describe('card summary', () => {
  it('keeps the last four digits and the brand, nothing else', () => {
    expect(summarizeCard('4242 4242 4242 4242')).toEqual({ last4: '4242', brand: 'visa' });
    expect(brandOf('5555555555554444')).toBe('mastercard');
    expect(brandOf('2223003122003222')).toBe('mastercard');
    expect(brandOf('378282246310005')).toBe('amex');
    expect(brandOf('6011111111111117')).toBe('discover');
    expect(brandOf('3530111333300000')).toBe('unknown');
  });
});
