import { randomBytes } from 'node:crypto';
import { Answer, FakeServer, RecordedRequest, startFakeHttpServer } from './fake-http-server';

/**
 * A local fake of PayPal's REST API, as far as the payment service uses it: OAuth2 client
 * credentials (`POST /v1/oauth2/token`, HTTP Basic, form body, a bearer token with a lifetime)
 * and Orders v2 (create, get, capture) plus capture refunds. Real HTTP, PayPal's paths and JSON,
 * errors as `{name, message, debug_id, details: [{issue, description}]}` (422
 * UNPROCESSABLE_ENTITY for business refusals), and PayPal-Request-Id idempotency: a POST with a
 * request id seen before replays the first answer and does nothing again.
 *
 * Orders with `payment_source.card` are APPROVED at once and decided at capture:
 * 4000000000000002 → 422 INSTRUMENT_DECLINED; 4000000000009995 → the capture DECLINED with
 * processor response 5120 (insufficient funds); any other number COMPLETED. Orders without a
 * card wait for the buyer (PAYER_ACTION_REQUIRED with a payer-action link) until `approve()`
 * (or a GET of that link), as a sandbox buyer would.
 */
export interface FakePaypal extends FakeServer {
  clientId: string;
  clientSecret: string;
  /** access tokens issued so far */
  tokensIssued(): number;
  /** every token issued so far stops working (401 invalid_token), as when one expires */
  expireTokens(): void;
  /** the buyer approves the order at PayPal */
  approve(orderId: string): void;
  /** completed captures per purchase unit custom_id (our payment id) */
  capturesFor(paymentId: string): number;
  refundsFor(captureId: string): number;
  orderIdOf(paymentId: string): string | undefined;
}

interface Capture {
  id: string;
  status: string;
  amount: { currency_code: string; value: string };
  processor_response?: { response_code: string };
}

interface Order {
  id: string;
  intent: string;
  status: string;
  purchase_units: Array<{
    reference_id?: string;
    custom_id?: string;
    amount: { currency_code: string; value: string };
    payments?: { captures: Capture[] };
  }>;
  payment_source?: Record<string, unknown>;
  links: Array<{ href: string; rel: string; method: string }>;
  /** kept by the fake only, to decide the capture: never in an answer */
  cardNumber?: string;
}

const id = (prefix: string) => `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;

function paypalError(status: number, name: string, issue?: string, description?: string): Answer {
  return {
    status,
    body: {
      name,
      message:
        status === 422
          ? 'The requested action could not be performed, semantically incorrect, or failed business validation.'
          : name,
      debug_id: randomBytes(6).toString('hex'),
      details: issue ? [{ issue, description: description ?? issue }] : [],
    },
  };
}

/** The order as PayPal shows it: without what the fake keeps to itself. */
function view(order: Order): Omit<Order, 'cardNumber'> {
  const { cardNumber: _hidden, ...shown } = order;
  return shown;
}

export async function startFakePaypal(
  clientId = 'fake-client-id',
  clientSecret = 'fake-client-secret',
): Promise<FakePaypal> {
  const orders = new Map<string, Order>();
  const tokens = new Set<string>();
  const captures = new Map<string, number>();
  const refunds = new Map<string, number>();
  const replies = new Map<string, Answer>();
  let issued = 0;
  let base = '';

  function createOrder(body: Record<string, unknown>): Answer {
    const units = body.purchase_units as Order['purchase_units'] | undefined;
    const amount = units?.[0]?.amount;
    if (body.intent !== 'CAPTURE' || !amount || !/^\d+(\.\d{2})?$/.test(amount.value)) {
      return paypalError(400, 'INVALID_REQUEST', 'INVALID_PARAMETER_VALUE');
    }
    const source = body.payment_source as
      { card?: { number?: string; expiry?: string } } | undefined;
    const orderId = id('5O');
    const card = source?.card;
    const order: Order = {
      id: orderId,
      intent: 'CAPTURE',
      status: card ? 'APPROVED' : 'PAYER_ACTION_REQUIRED',
      purchase_units: units.map((unit) => ({ ...unit })),
      payment_source: card
        ? { card: { last_digits: String(card.number).slice(-4), expiry: card.expiry } }
        : { paypal: {} },
      links: [
        { href: `${base}/v2/checkout/orders/${orderId}`, rel: 'self', method: 'GET' },
        ...(card
          ? []
          : [{ href: `${base}/checkoutnow?token=${orderId}`, rel: 'payer-action', method: 'GET' }]),
      ],
      cardNumber: card?.number,
    };
    orders.set(orderId, order);
    return { status: 201, body: view(order) };
  }

  function captureOrder(order: Order): Answer {
    if (order.status === 'COMPLETED') {
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'ORDER_ALREADY_CAPTURED');
    }
    if (order.status !== 'APPROVED') {
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'ORDER_NOT_APPROVED');
    }
    if (order.cardNumber === '4000000000000002') {
      return paypalError(
        422,
        'UNPROCESSABLE_ENTITY',
        'INSTRUMENT_DECLINED',
        'The instrument presented was either declined by the processor or bank.',
      );
    }
    const unit = order.purchase_units[0];
    const capture: Capture = {
      id: id('CAP'),
      status: 'COMPLETED',
      amount: { ...unit.amount },
    };
    if (order.cardNumber === '4000000000009995') {
      capture.status = 'DECLINED';
      capture.processor_response = { response_code: '5120' };
    } else {
      const key = unit.custom_id ?? order.id;
      captures.set(key, (captures.get(key) ?? 0) + 1);
    }
    unit.payments = { captures: [capture] };
    order.status = 'COMPLETED';
    return { status: 201, body: view(order) };
  }

  function refundCapture(captureId: string): Answer {
    const capture = [...orders.values()]
      .flatMap((o) => o.purchase_units.flatMap((u) => u.payments?.captures ?? []))
      .find((c) => c.id === captureId);
    if (!capture) return paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    if (capture.status === 'REFUNDED') {
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_FULLY_REFUNDED');
    }
    if (capture.status !== 'COMPLETED') {
      return paypalError(422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_NOT_REFUNDABLE');
    }
    capture.status = 'REFUNDED';
    refunds.set(captureId, (refunds.get(captureId) ?? 0) + 1);
    return {
      status: 201,
      body: { id: id('REF'), status: 'COMPLETED', amount: { ...capture.amount } },
    };
  }

  function route(request: RecordedRequest): Answer {
    const { method, path } = request;
    let body: Record<string, unknown> = {};
    if (method === 'POST' && request.body) {
      if (!String(request.headers['content-type']).startsWith('application/json')) {
        return paypalError(415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      try {
        body = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        return paypalError(400, 'INVALID_REQUEST', 'MALFORMED_REQUEST_JSON');
      }
    }
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(body);
    const capture = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path);
    if (method === 'POST' && capture) {
      const order = orders.get(decodeURIComponent(capture[1]));
      return order
        ? captureOrder(order)
        : paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    }
    const one = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const order = orders.get(decodeURIComponent(one[1]));
      return order
        ? { status: 200, body: view(order) }
        : paypalError(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    }
    const refund = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path);
    if (method === 'POST' && refund) return refundCapture(decodeURIComponent(refund[1]));
    return paypalError(404, 'NOT_FOUND');
  }

  const server = await startFakeHttpServer((request) => {
    if (request.path === '/v1/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      if (request.method !== 'POST' || request.headers.authorization !== expected) {
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client Authentication failed' },
        };
      }
      if (new URLSearchParams(request.body).get('grant_type') !== 'client_credentials') {
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      }
      const token = `A21AA${randomBytes(16).toString('hex')}`;
      tokens.add(token);
      issued += 1;
      return {
        status: 200,
        body: {
          scope: 'https://uri.paypal.com/services/payments/payment',
          access_token: token,
          token_type: 'Bearer',
          app_id: 'APP-80W284485P519543T',
          expires_in: 32400,
          nonce: randomBytes(8).toString('hex'),
        },
      };
    }
    if (request.path === '/checkoutnow') {
      fake.approve(request.query.get('token') ?? '');
      return { status: 200, body: { approved: true } };
    }
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''));
    if (!bearer || !tokens.has(bearer[1])) {
      return {
        status: 401,
        body: { error: 'invalid_token', error_description: 'Token signature verification failed' },
      };
    }
    const requestId = request.headers['paypal-request-id'];
    if (request.method !== 'POST' || typeof requestId !== 'string') return route(request);
    const key = `${request.path}|${requestId}`;
    const known = replies.get(key);
    if (known) return known;
    const answer = route(request);
    replies.set(key, answer);
    return answer;
  });
  base = server.url;

  const fake: FakePaypal = {
    ...server,
    clientId,
    clientSecret,
    tokensIssued: () => issued,
    expireTokens: () => tokens.clear(),
    approve(orderId) {
      const order = orders.get(orderId);
      if (order && (order.status === 'PAYER_ACTION_REQUIRED' || order.status === 'CREATED')) {
        order.status = 'APPROVED';
      }
    },
    capturesFor: (paymentId) => captures.get(paymentId) ?? 0,
    refundsFor: (captureId) => refunds.get(captureId) ?? 0,
    orderIdOf: (paymentId) =>
      [...orders.values()].find((o) => o.purchase_units[0]?.custom_id === paymentId)?.id,
  };
  return fake;
}
