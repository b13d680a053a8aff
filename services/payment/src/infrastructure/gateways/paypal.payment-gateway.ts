import { Injectable, Logger } from '@nestjs/common';
import {
  ChargeRequest,
  GatewayOutcome,
  LookupOutcome,
  LookupRequest,
  PaymentGateway,
  RefundOutcome,
  RefundRequest,
} from '../../application/ports/payment-gateway.port';
import { PaymentMethod, isCardMethod } from '../../domain/entities/payment';
import { PaymentConfig } from '../config/payment.config';
import { GatewayAnswer, GatewayHttp } from './gateway-http';

interface PaypalLink {
  href: string;
  rel: string;
}

interface PaypalCapture {
  id: string;
  status: string;
  processor_response?: { response_code?: string };
}

interface PaypalOrder {
  id: string;
  status: string;
  links?: PaypalLink[];
  purchase_units?: Array<{ payments?: { captures?: PaypalCapture[] } }>;
}

interface PaypalError {
  name?: string;
  details?: Array<{ issue?: string }>;
}

interface PaypalToken {
  access_token: string;
  expires_in: number;
}

/** Processor response codes of declined card captures worth naming. */
const PROCESSOR_REASONS: Record<string, string> = {
  '5120': 'insufficient_funds',
  '0500': 'card_declined',
  '5400': 'expired_card',
  '9500': 'suspected_fraud',
};

/** Refresh the access token this long before PayPal says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * PaymentGateway over PayPal's REST API, Orders v2. OAuth2 client credentials
 * (`POST /v1/oauth2/token`, the token cached until shortly before it expires). A charge creates
 * an order (`POST /v2/checkout/orders`, intent CAPTURE, the amount in the order's currency)
 * and captures it (`POST /v2/checkout/orders/{id}/capture`), each with a `PayPal-Request-Id`
 * derived from the payment id, so repeats return the first answer and capture once. The
 * PayPal order id is stored on the payment before the capture, so reconciliation can ask
 * about it after any interruption. Cards go in `payment_source.card` and are captured at once;
 * a PayPal wallet payment needs the buyer's approval first: it stays `pendiente` with the
 * approval link, and reconciliation captures it once approved (or declines it when it expires).
 * COMPLETED approves; 422 with an issue such as INSTRUMENT_DECLINED declines.
 */
@Injectable()
export class PaypalPaymentGateway extends PaymentGateway {
  readonly name = 'paypal';
  private readonly logger = new Logger(PaypalPaymentGateway.name);
  private readonly http: GatewayHttp;
  private readonly credentials: string;
  private token?: { value: string; expiresAt: number };

  constructor(private readonly config: PaymentConfig) {
    super();
    const { clientId, clientSecret } = config.paypal;
    if (!clientId || !clientSecret) throw new Error('PAYPAL_CLIENT_ID and _SECRET are required');
    this.credentials = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    this.http = new GatewayHttp(config.paypal.apiBase, config.gatewayTimeoutMs);
  }

  supports(_method: PaymentMethod): boolean {
    return true;
  }

  async charge(request: ChargeRequest): Promise<GatewayOutcome> {
    const body: Record<string, unknown> = {
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: request.orderId,
          custom_id: request.paymentId,
          amount: {
            currency_code: request.currency.toUpperCase(),
            value: request.amount.toDecimalString(),
          },
        },
      ],
    };
    if (request.card) {
      const month = String(request.card.expMonth).padStart(2, '0');
      body.payment_source = {
        card: {
          number: request.card.number,
          expiry: `${request.card.expYear}-${month}`,
          security_code: request.card.cvc,
        },
      };
    }
    const created = await this.call<PaypalOrder | PaypalError>(
      'POST',
      '/v2/checkout/orders',
      body,
      `create-${request.idempotencyKey}`,
    );
    // Creating an order moves no money: whatever went wrong here, nothing was charged.
    if (created.kind === 'no_answer' || created.status >= 500) {
      return { kind: 'declined', reason: 'gateway_unavailable', reference: null };
    }
    if (created.status !== 200 && created.status !== 201) {
      return { kind: 'declined', reason: issueOf(created.data as PaypalError), reference: null };
    }
    const order = created.data as PaypalOrder;
    await request.onReference?.(order.id);
    if (order.status === 'COMPLETED') return captureOutcome(order);
    if (
      order.status === 'PAYER_ACTION_REQUIRED' ||
      !(isCardMethod(request.method) || order.status === 'APPROVED')
    ) {
      return { kind: 'awaiting_payer', reference: order.id, approvalUrl: approvalLinkOf(order) };
    }
    return this.capture(order.id, request.idempotencyKey);
  }

  async lookup(request: LookupRequest): Promise<LookupOutcome> {
    // The PayPal order id is stored before any capture: without it nothing was captured.
    if (!request.reference) return { kind: 'not_found' };
    const found = await this.call<PaypalOrder>(
      'GET',
      `/v2/checkout/orders/${encodeURIComponent(request.reference)}`,
    );
    if (found.kind === 'no_answer' || found.status >= 500) {
      return { kind: 'unknown', reference: request.reference };
    }
    if (found.status === 404) return { kind: 'not_found' };
    if (found.status !== 200) return { kind: 'unknown', reference: request.reference };
    const order = found.data;
    switch (order.status) {
      case 'COMPLETED':
        return captureOutcome(order);
      case 'APPROVED':
        // the buyer approved it: capture now, under the same request id as ever
        return this.capture(order.id, request.idempotencyKey);
      case 'VOIDED':
        return { kind: 'declined', reason: 'VOIDED', reference: order.id };
      default:
        return { kind: 'awaiting_payer', reference: order.id, approvalUrl: approvalLinkOf(order) };
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const found = await this.call<PaypalOrder>(
      'GET',
      `/v2/checkout/orders/${encodeURIComponent(request.reference)}`,
    );
    if (found.kind === 'no_answer' || found.status >= 500) return { kind: 'unknown' };
    if (found.status !== 200)
      return { kind: 'refused', reason: `order lookup HTTP ${found.status}` };
    const capture = capturesOf(found.data).find(
      (c) =>
        c.status === 'COMPLETED' || c.status === 'REFUNDED' || c.status === 'PARTIALLY_REFUNDED',
    );
    if (!capture) return { kind: 'refused', reason: 'no completed capture' };
    const refunded = await this.call<{ id: string; status: string } | PaypalError>(
      'POST',
      `/v2/payments/captures/${encodeURIComponent(capture.id)}/refund`,
      {},
      request.idempotencyKey,
    );
    if (refunded.kind === 'no_answer' || refunded.status >= 500) return { kind: 'unknown' };
    if (refunded.status === 200 || refunded.status === 201) {
      const refund = refunded.data as { id: string; status: string };
      return refund.status === 'CANCELLED' || refund.status === 'FAILED'
        ? { kind: 'refused', reason: `refund ${refund.status}` }
        : { kind: 'refunded', reference: refund.id };
    }
    const issue = issueOf(refunded.data as PaypalError);
    if (issue === 'CAPTURE_FULLY_REFUNDED') return { kind: 'refunded', reference: null };
    return { kind: 'refused', reason: issue };
  }

  private async capture(orderId: string, idempotencyKey: string): Promise<GatewayOutcome> {
    const captured = await this.call<PaypalOrder | PaypalError>(
      'POST',
      `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`,
      {},
      `capture-${idempotencyKey}`,
    );
    if (captured.kind === 'no_answer' || captured.status >= 500) {
      return { kind: 'unknown', reference: orderId };
    }
    if (captured.status === 200 || captured.status === 201) {
      return captureOutcome(captured.data as PaypalOrder);
    }
    const issue = issueOf(captured.data as PaypalError);
    if (issue === 'ORDER_NOT_APPROVED' || issue === 'PAYER_ACTION_REQUIRED') {
      return { kind: 'awaiting_payer', reference: orderId, approvalUrl: null };
    }
    if (issue === 'ORDER_ALREADY_CAPTURED') {
      const found = await this.call<PaypalOrder>(
        'GET',
        `/v2/checkout/orders/${encodeURIComponent(orderId)}`,
      );
      return found.kind === 'answered' && found.status === 200
        ? captureOutcome(found.data)
        : { kind: 'unknown', reference: orderId };
    }
    if (captured.status !== 422) {
      this.logger.warn({ status: captured.status, issue }, 'PayPal refused a capture request');
    }
    return { kind: 'declined', reason: issue, reference: orderId };
  }

  /** One call with a bearer token; a 401 (token expired early) fetches a new one and retries. */
  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    requestId?: string,
  ): Promise<GatewayAnswer<T>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      if (!token) return { kind: 'no_answer', reason: 'refused' };
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        prefer: 'return=representation',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (requestId) headers['paypal-request-id'] = requestId;
      const answer = await this.http.send<T>({ method, path, headers, body });
      if (answer.kind === 'answered' && answer.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      return answer;
    }
  }

  /** null when no token could be had: the call is then treated as never made. */
  private async accessToken(): Promise<string | null> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const answer = await this.http.send<PaypalToken>({
      method: 'POST',
      path: '/v1/oauth2/token',
      headers: {
        authorization: `Basic ${this.credentials}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    if (answer.kind === 'no_answer' || answer.status !== 200 || !answer.data?.access_token) {
      if (answer.kind === 'answered') {
        this.logger.warn({ status: answer.status }, 'PayPal refused the client credentials');
      }
      return null;
    }
    const lifetimeMs = Math.max(0, answer.data.expires_in * 1000 - TOKEN_MARGIN_MS);
    this.token = { value: answer.data.access_token, expiresAt: Date.now() + lifetimeMs };
    return this.token.value;
  }
}

function capturesOf(order: PaypalOrder): PaypalCapture[] {
  return (order.purchase_units ?? []).flatMap((unit) => unit.payments?.captures ?? []);
}

/** A captured order: COMPLETED with a COMPLETED capture is money taken. */
function captureOutcome(order: PaypalOrder): GatewayOutcome {
  const capture = capturesOf(order)[0];
  if (!capture) return { kind: 'unknown', reference: order.id };
  switch (capture.status) {
    case 'COMPLETED':
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
      return { kind: 'approved', reference: order.id };
    case 'PENDING':
      return { kind: 'unknown', reference: order.id };
    default: {
      const code = capture.processor_response?.response_code ?? '';
      return {
        kind: 'declined',
        reason: PROCESSOR_REASONS[code] ?? capture.status,
        reference: order.id,
      };
    }
  }
}

function approvalLinkOf(order: PaypalOrder): string | null {
  const link = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
  return link?.href ?? null;
}

function issueOf(error: PaypalError | undefined): string {
  return error?.details?.[0]?.issue ?? error?.name ?? 'UNPROCESSABLE_ENTITY';
}
