import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Money } from '@app/kernel';
import { ChargeRequest } from '../src/application/ports/payment-gateway.port';
import { loadPaymentConfig } from '../src/infrastructure/config/payment.config';
import {
  STRIPE_TEST_PAYMENT_METHODS,
  StripePaymentGateway,
} from '../src/infrastructure/gateways/stripe.payment-gateway';
import {
  FAKE_STRIPE_API_VERSION,
  FakeStripe,
  parseForm,
  startFakeStripe,
} from './fakes/fake-stripe';
import { CARDS, PaymentTestApp, bearer, card, startPaymentTestApp } from './payment-test-app';

function stripeFor(fake: { url: string }, secretKey: string, timeoutMs = 400) {
  return new StripePaymentGateway(
    loadPaymentConfig({
      SERVICE_API_KEY: 'payment-key-for-tests',
      PAYMENT_GATEWAY: 'stripe',
      STRIPE_SECRET_KEY: secretKey,
      STRIPE_API_BASE: fake.url,
      PAYMENT_GATEWAY_TIMEOUT_MS: String(timeoutMs),
    }),
  );
}

const CREATE = /^\/v1\/payment_intents$/;
const SEED = 23_2026;

/** Stripe failing before it acted: its own 500, and a proxy's page that is no JSON at all. */
const STRIPE_500 = {
  status: 500,
  body: { error: { type: 'api_error', message: 'An unknown error occurred' } },
};
const PROXY_502 = { status: 502, body: null, rawBody: '<html><h1>502 Bad Gateway</h1></html>' };

function chargeOf(number: string, paymentId = randomUUID()): ChargeRequest {
  return {
    idempotencyKey: paymentId,
    paymentId,
    orderId: randomUUID(),
    amount: Money.ofCents(6547),
    currency: 'eur',
    method: 'credit_card',
    card: { number, expMonth: 12, expYear: 2030, cvc: '123' },
  };
}

describe('Stripe adapter against a local fake of the Stripe API', () => {
  let fake: FakeStripe;
  let stripe: StripePaymentGateway;

  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = stripeFor(fake, fake.secretKey);
  });
  afterAll(() => fake.stop());

  it('approves: a form-encoded PaymentIntent, confirmed, in cents, with the payment id as Idempotency-Key', async () => {
    const request = chargeOf(CARDS.approved);
    const outcome = await stripe.charge(request);
    expect(outcome).toMatchObject({ kind: 'approved' });
    const reference = (outcome as { reference: string }).reference;
    expect(reference).toMatch(/^pi_/);

    const sent = fake.requests.filter((r) => r.path === '/v1/payment_intents').at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${fake.secretKey}`);
    expect(sent.headers['stripe-version']).toBe(FAKE_STRIPE_API_VERSION);
    expect(sent.headers['idempotency-key']).toBe(request.paymentId);
    expect(sent.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(parseForm(sent.body)).toMatchObject({
      amount: '6547',
      currency: 'eur',
      confirm: 'true',
      payment_method: 'pm_card_visa',
      payment_method_types: { '0': 'card' },
      metadata: { payment_id: request.paymentId, order_id: request.orderId },
    });
    // test mode: the card number stays here, its test PaymentMethod goes instead
    expect(sent.body).not.toContain(CARDS.approved);
    expect(fake.chargesFor(request.paymentId)).toBe(1);

    expect(await stripe.lookup({ ...request, reference, amount: request.amount })).toEqual({
      kind: 'approved',
      reference,
    });
  });

  it('declines card errors (402) with Stripe’s decline code', async () => {
    const declined = await stripe.charge(chargeOf(CARDS.declined));
    expect(declined).toMatchObject({ kind: 'declined', reason: 'generic_decline' });
    expect((declined as { reference: string }).reference).toMatch(/^pi_/);
    expect(await stripe.charge(chargeOf(CARDS.insufficientFunds))).toMatchObject({
      kind: 'declined',
      reason: 'insufficient_funds',
    });
    expect(await stripe.charge(chargeOf(CARDS.timeout))).toMatchObject({
      kind: 'declined',
      reason: 'processing_error',
    });
    // 3-D Secure cannot be completed server-side
    expect(await stripe.charge(chargeOf('4000000000003220'))).toMatchObject({
      kind: 'declined',
      reason: 'authentication_required',
    });
  });

  it('idempotent retry: the same key replays the first answer and charges once', async () => {
    const request = chargeOf(CARDS.approved);
    const first = await stripe.charge(request);
    const second = await stripe.charge(request);
    expect(second).toEqual(first);
    expect(fake.chargesFor(request.paymentId)).toBe(1);
    const replays = fake.requests.filter((r) => r.headers['idempotency-key'] === request.paymentId);
    expect(replays).toHaveLength(2);
  });

  it('sends exactly the form fields of the pinned API version, for generated amounts and currencies', async () => {
    const testCards = Object.keys(STRIPE_TEST_PAYMENT_METHODS);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.stringMatching(/^[a-z]{3}$/),
        fc.constantFrom(...testCards),
        async (cents, currency, number) => {
          const request = { ...chargeOf(number), amount: Money.ofCents(cents), currency };
          await stripe.charge(request);
          const sent = fake.requests.filter(
            (r) => r.headers['idempotency-key'] === request.idempotencyKey,
          );
          expect(sent).toHaveLength(1);
          expect(sent[0].headers['stripe-version']).toBe(FAKE_STRIPE_API_VERSION);
          expect([...new URLSearchParams(sent[0].body)].sort()).toEqual(
            [
              ['amount', String(cents)],
              ['currency', currency],
              ['confirm', 'true'],
              ['payment_method_types[0]', 'card'],
              ['payment_method', STRIPE_TEST_PAYMENT_METHODS[number]],
              ['description', `Order ${request.orderId}`],
              ['metadata[payment_id]', request.paymentId],
              ['metadata[order_id]', request.orderId],
            ].sort(),
          );
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('Stripe 5xx, a proxy page, 409 or a body that is no PaymentIntent: unknown, asked once (no retries), nothing charged', async () => {
    const failures = [
      STRIPE_500,
      PROXY_502,
      {
        status: 409,
        body: { error: { type: 'idempotency_error', code: 'idempotency_key_in_use' } },
      },
      { status: 200, body: { message: 'maintenance' } },
    ];
    for (const answer of failures) {
      const request = chargeOf(CARDS.approved);
      fake.fail(CREATE, answer);
      expect(await stripe.charge(request)).toEqual({ kind: 'unknown', reference: null });
      const sent = fake.requests.filter((r) => r.headers['idempotency-key'] === request.paymentId);
      expect(sent).toHaveLength(1);
      expect(fake.chargesFor(request.paymentId)).toBe(0);
      // asked again under the same key once Stripe is back: charged, once
      expect(await stripe.charge(request)).toMatchObject({ kind: 'approved' });
      expect(fake.chargesFor(request.paymentId)).toBe(1);
    }
  });

  it('a rate limit (429) is refused before any charge: declined, nothing moved', async () => {
    const request = chargeOf(CARDS.approved);
    fake.fail(CREATE, {
      status: 429,
      body: { error: { type: 'invalid_request_error', code: 'rate_limit' } },
    });
    expect(await stripe.charge(request)).toEqual({
      kind: 'declined',
      reason: 'gateway_error:rate_limit',
      reference: null,
    });
    expect(fake.chargesFor(request.paymentId)).toBe(0);
  });

  it('lookups and refunds: 5xx, a proxy page or a timeout is unknown, never an error', async () => {
    const request = chargeOf(CARDS.approved);
    const { reference } = (await stripe.charge(request)) as { reference: string };
    const refundRequest = {
      idempotencyKey: `refund-${request.paymentId}`,
      paymentId: request.paymentId,
      reference,
      amount: request.amount,
      currency: 'eur',
    };
    for (const answer of [STRIPE_500, PROXY_502]) {
      fake.fail(/^\/v1\/payment_intents\/pi_/, answer);
      expect(await stripe.lookup({ ...request, reference })).toEqual({
        kind: 'unknown',
        reference,
      });
      fake.fail(/^\/v1\/payment_intents\/search$/, answer);
      expect(await stripe.lookup({ ...request, reference: null })).toEqual({
        kind: 'unknown',
        reference: null,
      });
      fake.fail(/^\/v1\/refunds$/, answer);
      expect(await stripe.refund(refundRequest)).toEqual({ kind: 'unknown' });
    }
    fake.hang(/^\/v1\/payment_intents\/pi_/, 1000);
    expect(await stripe.lookup({ ...request, reference })).toEqual({ kind: 'unknown', reference });
    fake.hang(/^\/v1\/refunds$/, 1000);
    expect(await stripe.refund(refundRequest)).toEqual({ kind: 'unknown' });
    // the refund whose answer was lost did happen; asking again under its key replays it
    expect(await stripe.refund(refundRequest)).toMatchObject({ kind: 'refunded' });
    expect(fake.refundsFor(reference)).toBe(1);
  });

  it('a connection cut after Stripe acted: the SDK repeats it once under the same Idempotency-Key, Stripe replays, charged once', async () => {
    const request = chargeOf(CARDS.approved);
    fake.drop(CREATE);
    expect(await stripe.charge(request)).toMatchObject({ kind: 'approved' });
    const sent = fake.requests.filter((r) => r.headers['idempotency-key'] === request.paymentId);
    expect(sent).toHaveLength(2);
    expect(sent[1].body).toBe(sent[0].body);
    expect(fake.chargesFor(request.paymentId)).toBe(1);

    // cut twice: one repeat only, then unknown (reconciliation asks later); still charged once
    const twice = chargeOf(CARDS.approved);
    fake.drop(CREATE, 2);
    expect(await stripe.charge(twice)).toEqual({ kind: 'unknown', reference: null });
    expect(
      fake.requests.filter((r) => r.headers['idempotency-key'] === twice.paymentId),
    ).toHaveLength(2);
    expect(await stripe.lookup({ ...twice, reference: null })).toMatchObject({ kind: 'approved' });
    expect(fake.chargesFor(twice.paymentId)).toBe(1);
  });

  it('refunds with a stable key: a repeat refunds nothing more; already refunded counts as refunded', async () => {
    const request = chargeOf(CARDS.approved);
    const { reference } = (await stripe.charge(request)) as { reference: string };
    const refundRequest = {
      idempotencyKey: `refund-${request.paymentId}`,
      paymentId: request.paymentId,
      reference,
      amount: request.amount,
      currency: 'eur',
    };
    const first = await stripe.refund(refundRequest);
    expect(first).toMatchObject({ kind: 'refunded' });
    expect((first as { reference: string }).reference).toMatch(/^re_/);
    expect(await stripe.refund(refundRequest)).toEqual(first);
    expect(fake.refundsFor(reference)).toBe(1);
    const sent = fake.requests.filter((r) => r.path === '/v1/refunds').at(-1)!;
    expect(sent.headers['idempotency-key']).toBe(`refund-${request.paymentId}`);
    expect(parseForm(sent.body)).toMatchObject({ payment_intent: reference });
    // a refund made elsewhere (another key): Stripe says already refunded, which is refunded
    expect(await stripe.refund({ ...refundRequest, idempotencyKey: randomUUID() })).toEqual({
      kind: 'refunded',
      reference: null,
    });
    // a declined intent cannot be refunded
    const declined = (await stripe.charge(chargeOf(CARDS.declined))) as { reference: string };
    expect(
      await stripe.refund({
        ...refundRequest,
        idempotencyKey: randomUUID(),
        reference: declined.reference,
      }),
    ).toEqual({ kind: 'refused', reason: 'charge_not_refundable' });
  });

  it('a timeout is unknown; reconciliation finds the intent by its payment id and it was charged once', async () => {
    const request = chargeOf(CARDS.approved);
    fake.hang(CREATE, 1000);
    const started = Date.now();
    expect(await stripe.charge(request)).toEqual({ kind: 'unknown', reference: null });
    // gave up at PAYMENT_GATEWAY_TIMEOUT_MS (400 here), not when the answer came
    expect(Date.now() - started).toBeLessThan(900);
    const found = await stripe.lookup({ ...request, reference: null });
    expect(found).toMatchObject({ kind: 'approved' });
    expect(fake.chargesFor(request.paymentId)).toBe(1);
    expect(await stripe.lookup({ ...request, paymentId: randomUUID(), reference: null })).toEqual({
      kind: 'not_found',
    });
    expect(await stripe.lookup({ ...request, reference: 'pi_unknown' })).toEqual({
      kind: 'not_found',
    });
  });

  it('live mode sends the card itself (payment_method_data), as Stripe’s raw card API takes it', async () => {
    const live = await startFakeStripe('sk_live_fake_key');
    try {
      const gateway = stripeFor(live, live.secretKey);
      const outcome = await gateway.charge(chargeOf(CARDS.mastercard));
      expect(outcome).toMatchObject({ kind: 'approved' });
      expect(parseForm(live.requests[0].body)).toMatchObject({
        payment_method_data: {
          type: 'card',
          card: { number: CARDS.mastercard, exp_month: '12', exp_year: '2030', cvc: '123' },
        },
      });
    } finally {
      await live.stop();
    }
  });

  it('a wrong key is refused before any charge; Stripe unreachable is a decline, nothing moved', async () => {
    const wrong = stripeFor(fake, 'sk_test_wrong');
    expect(await wrong.charge(chargeOf(CARDS.approved))).toMatchObject({
      kind: 'declined',
      reason: 'gateway_error:401',
    });
    const nowhere = stripeFor({ url: 'http://127.0.0.1:9' }, fake.secretKey);
    expect(await nowhere.charge(chargeOf(CARDS.approved))).toEqual({
      kind: 'declined',
      reason: 'gateway_unavailable',
      reference: null,
    });
    expect(
      await nowhere.refund({
        idempotencyKey: 'k',
        paymentId: 'p',
        reference: 'pi_x',
        amount: Money.ofCents(1),
        currency: 'eur',
      }),
    ).toEqual({ kind: 'unknown' });
  });
});

describe('the payment service with PAYMENT_GATEWAY=stripe (e2e against the fake)', () => {
  let fake: FakeStripe;
  let t: PaymentTestApp;

  beforeAll(async () => {
    fake = await startFakeStripe();
    t = await startPaymentTestApp({
      paymentEnv: {
        PAYMENT_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: fake.secretKey,
        STRIPE_API_BASE: fake.url,
        PAYMENT_GATEWAY_TIMEOUT_MS: '500',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('declined, then approved (the order pagada), then refunded by an admin', async () => {
    const alice = await t.customer();
    const order = await t.placeOrder(alice, 21.5, 2);
    const declined = await t.pay(order, { card: card(CARDS.insufficientFunds) }).expect(201);
    expect(declined.body).toMatchObject({
      status: 'rechazado',
      gateway: 'stripe',
      failure_reason: 'insufficient_funds',
    });
    const approved = await t.pay(order).expect(201);
    expect(approved.body).toMatchObject({ status: 'aprobado', gateway: 'stripe', amount: 43 });
    expect(approved.body.gateway_reference).toMatch(/^pi_/);
    expect(fake.chargesFor(approved.body.id)).toBe(1);
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('pagada');

    const refunded = await t
      .http()
      .post(`/api/v1/payments/${approved.body.id}/refund`)
      .set(bearer(t.adminToken))
      .expect(200);
    expect(refunded.body.status).toBe('reembolsado');
    expect(refunded.body.refund_reference).toMatch(/^re_/);
    expect(fake.refundsFor(approved.body.gateway_reference)).toBe(1);
  });

  it('Stripe too slow: 202 pendiente; reconciliation finds the charge; charged once', async () => {
    const alice = await t.customer();
    const order = await t.placeOrder(alice, 9, 1);
    fake.hang(/^\/v1\/payment_intents$/, 1200);
    const pending = await t.pay(order).expect(202);
    expect(pending.body).toMatchObject({ status: 'pendiente', gateway_reference: null });
    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ approved: 1 });
    const read = await t
      .http()
      .get(`/api/v1/payments/${pending.body.id}`)
      .set(bearer(alice.token))
      .expect(200);
    expect(read.body.status).toBe('aprobado');
    expect(fake.chargesFor(pending.body.id)).toBe(1);
  });

  it('Stripe failing (500, a proxy page): 202 pendiente, never a 500; a refund then is a 503 problem', async () => {
    const alice = await t.customer();
    for (const answer of [STRIPE_500, PROXY_502]) {
      const order = await t.placeOrder(alice, 3, 1);
      fake.fail(CREATE, answer);
      const pending = await t.pay(order).expect(202);
      expect(pending.body).toMatchObject({ status: 'pendiente', gateway: 'stripe' });
    }
    const order = await t.placeOrder(alice, 4, 1);
    const approved = await t.pay(order).expect(201);
    fake.fail(/^\/v1\/refunds$/, PROXY_502);
    const refused = await t
      .http()
      .post(`/api/v1/payments/${approved.body.id}/refund`)
      .set(bearer(t.adminToken))
      .expect(503);
    expect(refused.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    expect(JSON.stringify(refused.body)).not.toMatch(/Bad Gateway|stripe-node|at \w+ \(/);
  });

  it('PayPal is not a Stripe method here: 422 payment-method-not-supported', async () => {
    const alice = await t.customer();
    const order = await t.placeOrder(alice, 1, 1);
    const res = await t.pay(order, { payment_method: 'paypal', card: undefined }).expect(422);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/payment-method-not-supported');
  });
});
