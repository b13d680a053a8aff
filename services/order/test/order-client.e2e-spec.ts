import { Test, TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { OrderClient } from '@app/clients';
import { PlatformModule, UpstreamUnavailableError } from '@app/platform';
import { baseUrlOf, testEnv } from '@app/testing';
import {
  CART_KEY,
  Customer,
  OrderTestApp,
  VALIDATION_KEY,
  startOrderTestApp,
} from './order-test-app';

/**
 * The typed OrderClient of libs/clients against the real service, as each of its real callers
 * uses it: cart and payment (user calls), order-validation (the internal read).
 */
describe('OrderClient against the order service (e2e)', () => {
  let t: OrderTestApp;
  const callers: TestingModule[] = [];
  let client: OrderClient;
  let asValidation: OrderClient;
  let alice: Customer;
  let product: string;

  async function clientOf(service: string, key: string): Promise<OrderClient> {
    const caller = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          service,
          env: testEnv({
            extra: {
              ORDER_SERVICE_URL: await baseUrlOf(t.app),
              SERVICE_API_KEY: key,
              UPSTREAM_RETRIES: '1',
            },
          }),
          upstreams: ['order'],
        }),
      ],
      providers: [OrderClient],
    }).compile();
    callers.push(caller);
    return caller.get(OrderClient);
  }

  beforeAll(async () => {
    t = await startOrderTestApp({ listen: true });
    client = await clientOf('cart', CART_KEY);
    asValidation = await clientOf('order-validation', VALIDATION_KEY);
    alice = await t.customer();
    product = await t.createProduct(19.99, 50);
  });
  afterAll(async () => {
    for (const caller of callers) await caller.close();
    await t?.close();
  });

  it('createOrder places with the user token and replays with the same idempotency key', async () => {
    const dto = { user_id: alice.id, items: [{ product_id: product, quantity: 3 }] };
    const key = `checkout-${randomUUID()}`;
    const first = await client.createOrder(dto, { userToken: alice.token, idempotencyKey: key });
    expect(first).toMatchObject({
      ok: true,
      status: 201,
      body: { total: 59.97, status: 'creada' },
    });
    const again = await client.createOrder(dto, { userToken: alice.token, idempotencyKey: key });
    expect(again).toEqual(first);
    expect(await t.stockOf(product)).toBe(47);
  });

  it('createOrder answers business refusals as problems', async () => {
    const short = await client.createOrder(
      { user_id: alice.id, items: [{ product_id: product, quantity: 1000 }] },
      { userToken: alice.token, idempotencyKey: randomUUID() },
    );
    expect(short).toMatchObject({
      ok: false,
      status: 409,
      problem: { type: expect.stringMatching(/insufficient-stock$/) },
    });
  });

  it('getOrder as the user, or as a service without a user token', async () => {
    const placed = await client.createOrder(
      { user_id: alice.id, items: [{ product_id: product, quantity: 1 }] },
      { userToken: alice.token, idempotencyKey: randomUUID() },
    );
    if (!placed.ok) throw new Error('placing failed');
    const asUser = await client.getOrder(placed.body.id, { userToken: alice.token });
    expect(asUser).toMatchObject({ ok: true, body: { id: placed.body.id } });
    const asService = await asValidation.getOrder(placed.body.id);
    expect(asService).toMatchObject({ ok: true, body: { id: placed.body.id } });
    // cart never reads orders without its user's token: its key is not one this route accepts
    expect(await client.getOrder(placed.body.id)).toMatchObject({ ok: false, status: 403 });
    const bob = await t.customer();
    expect(await client.getOrder(placed.body.id, { userToken: bob.token })).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it('the order service stopped: UpstreamUnavailableError', async () => {
    await t.app.close();
    await expect(client.getOrder(randomUUID())).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});
