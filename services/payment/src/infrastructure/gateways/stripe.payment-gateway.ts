import { Injectable, Logger } from '@nestjs/common';
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
import { encodeForm } from './form-encoding';
import { GatewayAnswer, GatewayHttp } from './gateway-http';

/** The API version the mapping below was written against (Stripe-Version header). */
export const STRIPE_API_VERSION = '2024-06-20';

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

interface StripePaymentIntent {
  id: string;
  object: 'payment_intent';
  status: string;
  amount: number;
  currency: string;
  metadata?: Record<string, string>;
  last_payment_error?: StripeErrorBody | null;
}

interface StripeErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  payment_intent?: { id?: string } | null;
}

interface StripeRefund {
  id: string;
  object: 'refund';
  status: string;
}

type StripeError = { error?: StripeErrorBody };

/**
 * PaymentGateway over Stripe's REST API (PaymentIntents). A charge is one form-encoded
 * `POST /v1/payment_intents` with `confirm=true` and the payment id as `Idempotency-Key`, so a
 * repeat returns the first result and never charges again. `succeeded` approves; a card error
 * (402, `code`/`decline_code`) declines; a timeout or 5xx is `unknown` and reconciliation asks
 * later: `GET /v1/payment_intents/{id}` when the intent's id is known, otherwise a search by
 * `metadata['payment_id']`. Refunds: `POST /v1/refunds` with a key stable per payment.
 */
@Injectable()
export class StripePaymentGateway extends PaymentGateway {
  readonly name = 'stripe';
  private readonly logger = new Logger(StripePaymentGateway.name);
  private readonly http: GatewayHttp;
  private readonly secretKey: string;

  constructor(config: PaymentConfig) {
    super();
    if (!config.stripe.secretKey) throw new Error('STRIPE_SECRET_KEY is required for Stripe');
    this.secretKey = config.stripe.secretKey;
    this.http = new GatewayHttp(config.stripe.apiBase, config.gatewayTimeoutMs);
  }

  supports(method: PaymentMethod): boolean {
    return method === 'credit_card' || method === 'debit_card';
  }

  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    if (!request.card) return { kind: 'declined', reason: 'card_required', reference: null };
    const answer = await this.call<StripePaymentIntent | StripeError>(
      'POST',
      '/v1/payment_intents',
      {
        amount: request.amount.cents,
        currency: request.currency,
        confirm: true,
        payment_method_types: ['card'],
        ...this.paymentMethodOf(request.card),
        description: `Order ${request.orderId}`,
        metadata: { payment_id: request.paymentId, order_id: request.orderId },
      },
      request.idempotencyKey,
    );
    if (answer.kind === 'no_answer') {
      // Refused: Stripe never saw it. Lost: it may have charged; reconciliation will ask.
      return answer.reason === 'refused'
        ? { kind: 'declined', reason: 'gateway_unavailable', reference: null }
        : { kind: 'unknown', reference: null };
    }
    const { status, data } = answer;
    if (status === 200) return intentOutcome(data as StripePaymentIntent);
    const error = (data as StripeError)?.error ?? {};
    const reference = error.payment_intent?.id ?? null;
    if (status === 402) {
      return {
        kind: 'declined',
        reason: error.decline_code ?? error.code ?? 'card_declined',
        reference,
      };
    }
    // 409: the same key is still being processed at Stripe; 5xx: the outcome is unknown.
    if (status === 409 || status >= 500) return { kind: 'unknown', reference };
    // Anything else (400, 401, 429…) was refused before a charge: nothing moved.
    this.logger.warn(
      { status, error_type: error.type, error_code: error.code },
      'Stripe refused a payment request',
    );
    return { kind: 'declined', reason: `gateway_error:${error.code ?? status}`, reference };
  }

  async lookup(request: LookupRequest): Promise<LookupOutcome> {
    if (request.reference) {
      const answer = await this.call<StripePaymentIntent>(
        'GET',
        `/v1/payment_intents/${encodeURIComponent(request.reference)}`,
      );
      if (answer.kind === 'no_answer') return { kind: 'unknown', reference: request.reference };
      if (answer.status === 404) return { kind: 'not_found' };
      if (answer.status !== 200) return { kind: 'unknown', reference: request.reference };
      return intentOutcome(answer.data);
    }
    // The create call got no answer: find the intent by the payment id it carries.
    const answer = await this.call<{ data?: StripePaymentIntent[] }>(
      'GET',
      '/v1/payment_intents/search',
      undefined,
      undefined,
      { query: `metadata['payment_id']:'${request.paymentId}'` },
    );
    if (answer.kind === 'no_answer' || answer.status !== 200) {
      return { kind: 'unknown', reference: null };
    }
    const intent = answer.data.data?.[0];
    return intent ? intentOutcome(intent) : { kind: 'not_found' };
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const answer = await this.call<StripeRefund | StripeError>(
      'POST',
      '/v1/refunds',
      { payment_intent: request.reference, metadata: { payment_id: request.paymentId } },
      request.idempotencyKey,
    );
    if (answer.kind === 'no_answer') return { kind: 'unknown' };
    const { status, data } = answer;
    if (status === 200) {
      const refund = data as StripeRefund;
      return refund.status === 'failed' || refund.status === 'canceled'
        ? { kind: 'refused', reason: `refund ${refund.status}` }
        : { kind: 'refunded', reference: refund.id };
    }
    if (status === 409 || status >= 500) return { kind: 'unknown' };
    const error = (data as StripeError)?.error ?? {};
    if (error.code === 'charge_already_refunded') return { kind: 'refunded', reference: null };
    return { kind: 'refused', reason: error.code ?? `HTTP ${status}` };
  }

  /** In test mode a documented test card becomes its test PaymentMethod; else the raw card. */
  private paymentMethodOf(card: CardDetails): Record<string, unknown> {
    const testMethod = STRIPE_TEST_PAYMENT_METHODS[card.number];
    if (this.secretKey.startsWith('sk_test_') && testMethod) return { payment_method: testMethod };
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

  private call<T>(
    method: 'GET' | 'POST',
    path: string,
    params?: Record<string, unknown>,
    idempotencyKey?: string,
    query?: Record<string, string>,
  ): Promise<GatewayAnswer<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.secretKey}`,
      'stripe-version': STRIPE_API_VERSION,
    };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (params) headers['content-type'] = 'application/x-www-form-urlencoded';
    return this.http.send<T>({
      method,
      path,
      headers,
      body: params ? encodeForm(params) : undefined,
      query,
    });
  }
}

/** A PaymentIntent's status as an outcome: only `succeeded` is money taken. */
function intentOutcome(intent: StripePaymentIntent): GatewayOutcome {
  const error = intent.last_payment_error ?? {};
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
        reason: error.decline_code ?? error.code ?? 'requires_payment_method',
        reference: intent.id,
      };
    default:
      return { kind: 'declined', reason: intent.status, reference: intent.id };
  }
}
