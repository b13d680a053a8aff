import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { ChargeRequest } from '../src/application/ports/payment-gateway.port';
import { PaymentMethod } from '../src/domain/entities/payment';
import { loadPaymentConfig } from '../src/infrastructure/config/payment.config';
import { PaypalPaymentGateway } from '../src/infrastructure/gateways/paypal.payment-gateway';
import { FakePaypal, startFakePaypal } from './fakes/fake-paypal';
import { CARDS, PaymentTestApp, bearer, card, startPaymentTestApp } from './payment-test-app';

function paypalFor(fake: FakePaypal, timeoutMs = 400, secret = fake.clientSecret) {
  return new PaypalPaymentGateway(
    loadPaymentConfig({
      SERVICE_API_KEY: 'payment-key-for-tests',
      PAYMENT_GATEWAY: 'paypal',
      PAYPAL_CLIENT_ID: fake.clientId,
      PAYPAL_CLIENT_SECRET: secret,
      PAYPAL_API_BASE: fake.url,
      PAYMENT_GATEWAY_TIMEOUT_MS: String(timeoutMs),
    }),
  );
}

function chargeOf(number: string | null, method: PaymentMethod = 'credit_card'): ChargeRequest {
  const paymentId = randomUUID();
  return {
    idempotencyKey: paymentId,
    paymentId,
    orderId: randomUUID(),
    amount: Money.ofCents(6547),
    currency: 'eur',
    method,
    card: number ? { number, expMonth: 3, expYear: 2031, cvc: '123' } : null,
  };
}

const lookupOf = (request: ChargeRequest, reference: string | null) => ({
  idempotencyKey: request.idempotencyKey,
  paymentId: request.paymentId,
  reference,
  amount: request.amount,
  currency: request.currency,
  method: request.method,
});

describe('PayPal adapter against a local fake of the PayPal REST API (Orders v2)', () => {
  let fake: FakePaypal;
  let paypal: PaypalPaymentGateway;

  beforeAll(async () => {
    fake = await startFakePaypal();
    paypal = paypalFor(fake);
  });
  afterAll(() => fake.stop());

  it('approves a card: OAuth2 token, create with the card as payment source, capture; request ids from the payment id', async () => {
    const request = chargeOf(CARDS.approved);
    const references: string[] = [];
    const outcome = await paypal.charge({
      ...request,
      onReference: async (reference) => {
        references.push(reference);
      },
    });
    expect(outcome).toMatchObject({ kind: 'approved' });
    const orderId = fake.orderIdOf(request.paymentId)!;
    expect(outcome).toEqual({ kind: 'approved', reference: orderId });
    // the PayPal order id was handed over before the capture
    expect(references).toEqual([orderId]);
    expect(fake.capturesFor(request.paymentId)).toBe(1);

    const token = fake.requests.find((r) => r.path === '/v1/oauth2/token')!;
    expect(token.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`,
    );
    expect(token.body).toBe('grant_type=client_credentials');
    const create = fake.requests.filter((r) => r.path === '/v2/checkout/orders').at(-1)!;
    expect(create.headers['paypal-request-id']).toBe(`create-${request.paymentId}`);
    expect(create.headers.authorization).toMatch(/^Bearer A21AA/);
    expect(JSON.parse(create.body)).toEqual({
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: request.orderId,
          custom_id: request.paymentId,
          amount: { currency_code: 'EUR', value: '65.47' },
        },
      ],
      payment_source: {
        card: { number: CARDS.approved, expiry: '2031-03', security_code: '123' },
      },
    });
    const capture = fake.requests.filter((r) => r.path.endsWith('/capture')).at(-1)!;
    expect(capture.path).toBe(`/v2/checkout/orders/${orderId}/capture`);
    expect(capture.headers['paypal-request-id']).toBe(`capture-${request.paymentId}`);
  });

  it('caches the access token across calls and fetches a new one when it stops working', async () => {
    const before = fake.tokensIssued();
    await paypal.charge(chargeOf(CARDS.approved));
    await paypal.charge(chargeOf(CARDS.approved));
    expect(fake.tokensIssued()).toBe(before);
    fake.expireTokens();
    expect(await paypal.charge(chargeOf(CARDS.approved))).toMatchObject({ kind: 'approved' });
    expect(fake.tokensIssued()).toBe(before + 1);
  });

  it('declines: 422 INSTRUMENT_DECLINED, and a capture DECLINED by the processor (5120)', async () => {
    expect(await paypal.charge(chargeOf(CARDS.declined))).toMatchObject({
      kind: 'declined',
      reason: 'INSTRUMENT_DECLINED',
    });
    const poor = chargeOf(CARDS.insufficientFunds);
    expect(await paypal.charge(poor)).toMatchObject({
      kind: 'declined',
      reason: 'insufficient_funds',
    });
    expect(fake.capturesFor(poor.paymentId)).toBe(0);
  });

  it('idempotent retry: the same payment charged again replays both calls and captures once', async () => {
    const request = chargeOf(CARDS.approved);
    const first = await paypal.charge(request);
    const second = await paypal.charge(request);
    expect(second).toEqual(first);
    expect(fake.capturesFor(request.paymentId)).toBe(1);
  });

  it('refunds the capture with a stable PayPal-Request-Id; a repeat refunds nothing more', async () => {
    const request = chargeOf(CARDS.approved);
    const { reference } = (await paypal.charge(request)) as { reference: string };
    const refundRequest = {
      idempotencyKey: `refund-${request.paymentId}`,
      paymentId: request.paymentId,
      reference,
      amount: request.amount,
      currency: 'eur',
    };
    const first = await paypal.refund(refundRequest);
    expect(first).toMatchObject({ kind: 'refunded' });
    expect(await paypal.refund(refundRequest)).toEqual(first);
    const refundCall = fake.requests.filter((r) => r.path.endsWith('/refund')).at(-1)!;
    expect(refundCall.headers['paypal-request-id']).toBe(`refund-${request.paymentId}`);
    const captureId = /captures\/([^/]+)\/refund/.exec(refundCall.path)![1];
    expect(fake.refundsFor(captureId)).toBe(1);
    // refunded elsewhere (another request id): CAPTURE_FULLY_REFUNDED counts as refunded
    expect(await paypal.refund({ ...refundRequest, idempotencyKey: randomUUID() })).toEqual({
      kind: 'refunded',
      reference: null,
    });
  });

  it('a PayPal wallet payment waits for the buyer; once approved, the lookup captures it, once', async () => {
    const request = chargeOf(null, 'paypal');
    const waiting = await paypal.charge(request);
    expect(waiting).toMatchObject({ kind: 'awaiting_payer' });
    const { reference, approvalUrl } = waiting as { reference: string; approvalUrl: string };
    expect(approvalUrl).toBe(`${fake.url}/checkoutnow?token=${reference}`);
    expect(await paypal.lookup(lookupOf(request, reference))).toMatchObject({
      kind: 'awaiting_payer',
    });
    fake.approve(reference);
    expect(await paypal.lookup(lookupOf(request, reference))).toEqual({
      kind: 'approved',
      reference,
    });
    expect(await paypal.lookup(lookupOf(request, reference))).toEqual({
      kind: 'approved',
      reference,
    });
    expect(fake.capturesFor(request.paymentId)).toBe(1);
  });

  it('a capture that times out is unknown with the order id; the lookup then finds it captured once', async () => {
    const request = chargeOf(CARDS.approved);
    fake.hang(/\/capture$/, 1000);
    const outcome = await paypal.charge(request);
    const orderId = fake.orderIdOf(request.paymentId)!;
    expect(outcome).toEqual({ kind: 'unknown', reference: orderId });
    expect(await paypal.lookup(lookupOf(request, orderId))).toEqual({
      kind: 'approved',
      reference: orderId,
    });
    expect(fake.capturesFor(request.paymentId)).toBe(1);
    // no order id: the create never answered, so nothing can have been captured
    expect(await paypal.lookup(lookupOf(request, null))).toEqual({ kind: 'not_found' });
  });

  it('wrong client credentials or PayPal unreachable: declined before any money moves', async () => {
    expect(await paypalFor(fake, 400, 'wrong').charge(chargeOf(CARDS.approved))).toEqual({
      kind: 'declined',
      reason: 'gateway_unavailable',
      reference: null,
    });
    const down = await startFakePaypal();
    const gateway = paypalFor(down);
    await down.stop();
    expect(await gateway.charge(chargeOf(CARDS.approved))).toMatchObject({
      kind: 'declined',
      reason: 'gateway_unavailable',
    });
  });
});

describe('the payment service with PAYMENT_GATEWAY=paypal (e2e against the fake)', () => {
  let fake: FakePaypal;
  let t: PaymentTestApp;

  beforeAll(async () => {
    fake = await startFakePaypal();
    t = await startPaymentTestApp({
      paymentEnv: {
        PAYMENT_GATEWAY: 'paypal',
        PAYPAL_CLIENT_ID: fake.clientId,
        PAYPAL_CLIENT_SECRET: fake.clientSecret,
        PAYPAL_API_BASE: fake.url,
        PAYMENT_GATEWAY_TIMEOUT_MS: '500',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('a card: declined (INSTRUMENT_DECLINED), then approved (order pagada), then refunded', async () => {
    const alice = await t.customer();
    const order = await t.placeOrder(alice, 30, 1);
    const declined = await t.pay(order, { card: card(CARDS.declined) }).expect(201);
    expect(declined.body).toMatchObject({
      status: 'rechazado',
      gateway: 'paypal',
      failure_reason: 'INSTRUMENT_DECLINED',
    });
    const approved = await t.pay(order).expect(201);
    expect(approved.body).toMatchObject({ status: 'aprobado', gateway: 'paypal' });
    expect(approved.body.gateway_reference).toBe(fake.orderIdOf(approved.body.id));
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('pagada');
    const refunded = await t
      .http()
      .post(`/api/v1/payments/${approved.body.id}/refund`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(refunded.body.status).toBe('reembolsado');
  });

  it('the PayPal wallet: 202 pendiente with the approval link; the buyer approves; reconciliation captures; the order pagada', async () => {
    const alice = await t.customer();
    const order = await t.placeOrder(alice, 14.99, 1);
    const pending = await t.pay(order, { payment_method: 'paypal', card: undefined }).expect(202);
    expect(pending.body).toMatchObject({ status: 'pendiente', gateway: 'paypal' });
    expect(pending.body.approval_url).toContain('/checkoutnow?token=');

    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ stillPending: 1 });
    await fetch(pending.body.approval_url);
    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ approved: 1 });
    const read = await t
      .http()
      .get(`/api/v1/payments/${pending.body.id}`)
      .set(bearer(alice.token))
      .expect(200);
    expect(read.body).toMatchObject({ status: 'aprobado', approval_url: null });
    expect(fake.capturesFor(pending.body.id)).toBe(1);
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('pagada');
  });
});
