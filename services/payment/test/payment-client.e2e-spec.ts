import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { PaymentClient } from '@app/clients';
import { PlatformModule, UpstreamUnavailableError } from '@app/platform';
import { baseUrlOf, testEnv } from '@app/testing';
import {
  CARDS,
  Customer,
  ORDER_KEY,
  PaymentTestApp,
  card,
  startPaymentTestApp,
} from './payment-test-app';

/** The typed PaymentClient of libs/clients, as another service would use it, against the real service. */
describe('PaymentClient against the payment service (e2e)', () => {
  let t: PaymentTestApp;
  let caller: TestingModule;
  let client: PaymentClient;
  let alice: Customer;

  beforeAll(async () => {
    t = await startPaymentTestApp();
    caller = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          env: testEnv({
            extra: {
              PAYMENT_SERVICE_URL: await baseUrlOf(t.payment),
              SERVICE_API_KEY: ORDER_KEY,
              UPSTREAM_RETRIES: '1',
            },
          }),
          upstreams: ['payment'],
        }),
      ],
      providers: [PaymentClient],
    }).compile();
    client = caller.get(PaymentClient);
    alice = await t.customer();
  });
  afterAll(async () => {
    await caller?.close();
    await t?.close();
  });

  it('processPayment pays as the user and replays with the same key; getPayment reads it', async () => {
    const order = await t.placeOrder(alice, 19.99, 1);
    const dto = {
      order_id: order.id,
      amount: order.total,
      payment_method: 'credit_card' as const,
      card: card(),
    };
    const key = `pay-${randomUUID()}`;
    const first = await client.processPayment(dto, { userToken: alice.token, idempotencyKey: key });
    expect(first).toMatchObject({ ok: true, status: 201, body: { status: 'aprobado' } });
    const again = await client.processPayment(dto, { userToken: alice.token, idempotencyKey: key });
    expect(again).toEqual(first);
    if (!first.ok) throw new Error('expected a payment');
    const read = await client.getPayment(first.body.id, { userToken: alice.token });
    expect(read).toMatchObject({ ok: true, body: { id: first.body.id } });
  });

  it('refusals come back as problems', async () => {
    const order = await t.placeOrder(alice, 5, 1);
    const res = await client.processPayment(
      { order_id: order.id, amount: 4, payment_method: 'credit_card', card: card() },
      { userToken: alice.token, idempotencyKey: randomUUID() },
    );
    expect(res).toMatchObject({ ok: false, status: 422 });
    if (res.ok) throw new Error('expected a refusal');
    expect(res.problem.type).toBe('https://nest-commerce.dev/problems/amount-mismatch');
  });

  it('getPaymentsForOrder with the service key lists the order’s payments, newest first', async () => {
    const order = await t.placeOrder(alice, 7, 1);
    await t.pay(order, { card: card(CARDS.declined) }).expect(201);
    await t.pay(order).expect(201);
    const res = await client.getPaymentsForOrder(order.id);
    expect(res).toMatchObject({ ok: true, status: 200, body: { total: 2 } });
    if (!res.ok) throw new Error('expected a page');
    expect(res.body.items.map((p) => p.status)).toEqual(['aprobado', 'rechazado']);
  });

  it('the payment service down: UpstreamUnavailableError', async () => {
    const down = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          env: testEnv({
            extra: {
              PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
              SERVICE_API_KEY: ORDER_KEY,
              UPSTREAM_RETRIES: '0',
            },
          }),
          upstreams: ['payment'],
        }),
      ],
      providers: [PaymentClient],
    }).compile();
    try {
      await expect(
        down.get(PaymentClient).getPaymentsForOrder(randomUUID()),
      ).rejects.toBeInstanceOf(UpstreamUnavailableError);
    } finally {
      await down.close();
    }
  });
});
