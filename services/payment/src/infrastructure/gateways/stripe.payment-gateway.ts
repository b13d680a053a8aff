import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import {
  CardDetails,
  ChargeRequest,
  GatewayOutcome,
  LookupOutcome,
  LookupRequest,
  PaymentGateway,
  RefundOutcome,
  RefundRequest,
} from '../../application/ports/payment-gateway.port';
import { PaymentMethod } from '../../domain/entities/payment';
import { PaymentConfig } from '../config/payment.config';
import { createStripeClient } from './stripe-client';

export { STRIPE_API_VERSION } from './stripe-client';

/**
 * Stripe's test PaymentMethods for its documented test cards: in test mode a card number never
 * needs to leave this service (and with most accounts it may not: raw card data needs a
 * special permission), the matching `pm_card_…` is sent instead.
 */
export const STRIPE_TEST_PAYMENT_METHODS: Readonly<Record<string, string>> = {
  '4242424242424242': 'pm_card_visa',
  '4000056655665556': 'pm_card_visa_debit',
  '5555555555554444': 'pm_card_mastercard',
  '4000000000000002': 'pm_card_chargeDeclined',
  '4000000000009995': 'pm_card_chargeDeclinedInsufficientFunds',
  '4000000000000119': 'pm_card_chargeDeclinedProcessingError',
};

/**
 * The create parameters as the pinned API version names them: the SDK's types follow its
 * newest version, where `payment_method_types` became `allowed_payment_method_types`, and leave
 * out raw card numbers (they need a permission on the account).
 */
type PinnedCreateParams = Omit<Stripe.PaymentIntentCreateParams, 'payment_method_data'> & {
  payment_method_types: string[];
  payment_method_data?: {
    type: 'card';
    card: { number: string; exp_month: number; exp_year: number; cvc: string };
  };
};

/** Connection errors after which Stripe cannot have seen the request. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * What a failed call tells: `refused` (never connected, Stripe saw nothing), `lost` (a timeout,
 * a broken connection, an unreadable answer: Stripe may have acted), or Stripe's own error.
 */
type Failure =
  | { kind: 'refused' }
  | { kind: 'lost' }
  | { kind: 'stripe'; status: number; error: Stripe.errors.StripeError };

function failureOf(error: unknown): Failure {
  if (error instanceof Stripe.errors.StripeConnectionError) {
    const code = (error.detail as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && NEVER_CONNECTED.has(code)
      ? { kind: 'refused' }
      : { kind: 'lost' };
  }
  // no status: an answer that was not JSON (a proxy's page); anything else thrown: lost too
  if (error instanceof Stripe.errors.StripeError && error.statusCode) {
    return { kind: 'stripe', status: error.statusCode, error };
  }
  return { kind: 'lost' };
}

/** 409 (the same key still in progress at Stripe) or 5xx: the outcome is not known. */
const undecided = (status: number) => status === 409 || status >= 500;

/**
 * PaymentGateway over Stripe's API (PaymentIntents) through the official SDK. A charge is one
 * `POST /v1/payment_intents` with `confirm=true` and the payment id as `Idempotency-Key`, so a
 * repeat returns the first result and never charges again. `succeeded` approves; a card error
 * (402, `decline_code`/`code`) declines; a timeout or 5xx is `unknown` and reconciliation asks
 * later: `GET /v1/payment_intents/{id}` when the intent's id is known, otherwise a search by
 * `metadata['payment_id']`. Refunds: `POST /v1/refunds` with a key stable per payment.
 * Never throws: Stripe being slow, down or refusing is an outcome.
 */
@Injectable()
export class StripePaymentGateway extends PaymentGateway {
  readonly name = 'stripe';
  private readonly logger = new Logger(StripePaymentGateway.name);
  private readonly stripe: Stripe;
  private readonly testMode: boolean;

  constructor(config: PaymentConfig) {
    super();
    this.stripe = createStripeClient(config);
    this.testMode = config.stripe.secretKey?.startsWith('sk_test_') ?? false;
  }

  supports(method: PaymentMethod): boolean {
    return method === 'credit_card' || method === 'debit_card';
  }

  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    if (!request.card) return { kind: 'declined', reason: 'card_required', reference: null };
    const params: PinnedCreateParams = {
      amount: request.amount.cents,
      currency: request.currency,
      confirm: true,
      payment_method_types: ['card'],
      ...this.paymentMethodOf(request.card),
      description: `Order ${request.orderId}`,
      metadata: { payment_id: request.paymentId, order_id: request.orderId },
    };
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(params, {
        idempotencyKey: request.idempotencyKey,
      });
    } catch (error) {
      return this.chargeFailure(failureOf(error));
    }
    return intentOutcome(intent);
  }

  async lookup(request: LookupRequest): Promise<LookupOutcome> {
    if (request.reference) {
      try {
        return intentOutcome(await this.stripe.paymentIntents.retrieve(request.reference));
      } catch (error) {
        const failure = failureOf(error);
        if (failure.kind === 'stripe' && failure.status === 404) return { kind: 'not_found' };
        return { kind: 'unknown', reference: request.reference };
      }
    }
    // The create call got no answer: find the intent by the payment id it carries.
    try {
      const found = await this.stripe.paymentIntents.search({
        query: `metadata['payment_id']:'${request.paymentId}'`,
      });
      if (!Array.isArray(found.data)) return { kind: 'unknown', reference: null };
      const intent = found.data[0];
      return intent ? intentOutcome(intent) : { kind: 'not_found' };
    } catch {
      return { kind: 'unknown', reference: null };
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.refunds.create(
        { payment_intent: request.reference, metadata: { payment_id: request.paymentId } },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      const failure = failureOf(error);
      if (failure.kind !== 'stripe' || undecided(failure.status)) return { kind: 'unknown' };
      const code = failure.error.code;
      if (code === 'charge_already_refunded') return { kind: 'refunded', reference: null };
      return { kind: 'refused', reason: code ?? `HTTP ${failure.status}` };
    }
    if (refund.object !== 'refund') return { kind: 'unknown' };
    return refund.status === 'failed' || refund.status === 'canceled'
      ? { kind: 'refused', reason: `refund ${refund.status}` }
      : { kind: 'refunded', reference: refund.id };
  }

  private chargeFailure(failure: Failure): GatewayOutcome {
    // Refused: Stripe never saw it. Lost: it may have charged; reconciliation will ask.
    if (failure.kind === 'refused') {
      return { kind: 'declined', reason: 'gateway_unavailable', reference: null };
    }
    if (failure.kind === 'lost') return { kind: 'unknown', reference: null };
    const { status, error } = failure;
    const reference = error.payment_intent?.id ?? null;
    if (status === 402) {
      // the SDK gives a card error without decline_code an empty one
      const reason = error.decline_code || error.code || 'card_declined';
      return { kind: 'declined', reason, reference };
    }
    if (undecided(status)) return { kind: 'unknown', reference };
    // Anything else (400, 401, 429…) was refused before a charge: nothing moved.
    this.logger.warn(
      { status, error_type: error.rawType, error_code: error.code },
      'Stripe refused a payment request',
    );
    return { kind: 'declined', reason: `gateway_error:${error.code ?? status}`, reference };
  }

  /** In test mode a documented test card becomes its test PaymentMethod; else the raw card. */
  private paymentMethodOf(
    card: CardDetails,
  ): Pick<PinnedCreateParams, 'payment_method' | 'payment_method_data'> {
    const testMethod = STRIPE_TEST_PAYMENT_METHODS[card.number];
    if (this.testMode && testMethod) return { payment_method: testMethod };
    return {
      payment_method_data: {
        type: 'card',
        card: {
          number: card.number,
          exp_month: card.expMonth,
          exp_year: card.expYear,
          cvc: card.cvc,
        },
      },
    };
  }
}

/** A PaymentIntent's status as an outcome: only `succeeded` is money taken. */
function intentOutcome(intent: Stripe.PaymentIntent): GatewayOutcome {
  // a 2xx whose body is no PaymentIntent (a proxy's JSON): nothing can be concluded
  if (intent?.object !== 'payment_intent') return { kind: 'unknown', reference: null };
  const error = intent.last_payment_error;
  switch (intent.status) {
    case 'succeeded':
      return { kind: 'approved', reference: intent.id };
    case 'processing':
    case 'requires_capture':
      return { kind: 'unknown', reference: intent.id };
    case 'requires_action':
      // 3-D Secure needs the customer in a browser; a server-side charge cannot complete it.
      return { kind: 'declined', reason: 'authentication_required', reference: intent.id };
    case 'requires_payment_method':
      return {
        kind: 'declined',
        reason: error?.decline_code ?? error?.code ?? 'requires_payment_method',
        reference: intent.id,
      };
    default:
      return { kind: 'declined', reason: intent.status, reference: intent.id };
  }
}
