import { Money } from '@app/kernel';
import { PaymentMethod } from '../../domain/entities/payment';

/** A card as the gateway needs it. Held in memory for one call, never stored, never logged. */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface ChargeRequest {
  /** the payment id: the gateway applies at most one charge per key, however often asked */
  idempotencyKey: string;
  paymentId: string;
  orderId: string;
  amount: Money;
  /** ISO 4217, lower case */
  currency: string;
  method: PaymentMethod;
  card: CardDetails | null;
  /**
   * Called as soon as the gateway has named the charge and before money can move (PayPal's
   * order id, between create and capture), so that a crash in between leaves the payment
   * pointing at something reconciliation can ask about.
   */
  onReference?: (reference: string) => Promise<void>;
}

/** What the gateway said about a charge. */
export type GatewayOutcome =
  | { kind: 'approved'; reference: string }
  | { kind: 'declined'; reason: string; reference: string | null }
  /** no usable answer (timeout, 5xx, lost connection): it may have charged; ask again later */
  | { kind: 'unknown'; reference: string | null }
  /** the buyer has to approve it at the gateway first (PayPal wallet) */
  | { kind: 'awaiting_payer'; reference: string; approvalUrl: string | null };

export interface LookupRequest {
  idempotencyKey: string;
  paymentId: string;
  /** the gateway's id when known; null when the charge request got no answer at all */
  reference: string | null;
  amount: Money;
  currency: string;
  method: PaymentMethod;
}

/** A lookup can also find that the gateway never saw the charge. */
export type LookupOutcome = GatewayOutcome | { kind: 'not_found' };

export interface RefundRequest {
  /** stable per payment (one full refund per payment), so a repeat refunds nothing more */
  idempotencyKey: string;
  paymentId: string;
  reference: string;
  amount: Money;
  currency: string;
}

export type RefundOutcome =
  | { kind: 'refunded'; reference: string | null }
  | { kind: 'refused'; reason: string }
  | { kind: 'unknown' };

/**
 * A payment provider. Adapters: the simulator, Stripe and PayPal (infrastructure/gateways),
 * selected by PAYMENT_GATEWAY. They never throw for the provider being slow or down: that is
 * an `unknown` outcome, because a charge whose answer was lost may still have happened.
 */
export abstract class PaymentGateway {
  /** stored on each payment: simulated, stripe or paypal */
  abstract readonly name: string;
  abstract supports(method: PaymentMethod): boolean;
  abstract charge(request: ChargeRequest): Promise<GatewayOutcome>;
  /** Asks about an earlier charge by its key/reference; charges nothing. */
  abstract lookup(request: LookupRequest): Promise<LookupOutcome>;
  abstract refund(request: RefundRequest): Promise<RefundOutcome>;
}
