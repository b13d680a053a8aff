import { randomUUID } from 'node:crypto';
import { InProcessPlatform } from './in-process-platform';

// The order flow of SPEC.md across the six real services (real PostgreSQL, real HTTP),
// with outbox messages moved by settle(): order → validate → pay → pagada → delivery →
// en_transito → enviada → entregada; declined card; outages; cancel and refund.
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };
const GOOD_CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };
const DECLINED_CARD = { ...GOOD_CARD, number: '4000000000000002' };

describe('order flow across the real services', () => {
  let platform: InProcessPlatform;
  let admin: string;

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async function customer(): Promise<{ id: string; token: string }> {
    const res = await platform
      .http('user')
      .post('/api/v1/users')
      .send({
        name: 'Ada',
        email: `ada-${randomUUID()}@example.com`,
        password: 'a long enough password',
      })
      .expect(201);
    return { id: res.body.id, token: await platform.issuer.customer(res.body.id) };
  }

  async function product(stock: number, price = 19.99): Promise<string> {
    const res = await platform
      .http('product')
      .post('/api/v1/products')
      .set(auth(admin))
      .send({ name: `Lamp ${randomUUID()}`, price, stock_quantity: stock, category: 'home' })
      .expect(201);
    return res.body.id;
  }

  const stockOf = async (id: string): Promise<number> =>
    (await platform.http('product').get(`/api/v1/products/${id}`).expect(200)).body.stock_quantity;

  async function order(
    buyer: { id: string; token: string },
    productId: string,
    quantity: number,
  ): Promise<{ id: string; total: number }> {
    const res = await platform
      .http('order')
      .post('/api/v1/orders')
      .set(auth(buyer.token))
      .send({
        user_id: buyer.id,
        items: [{ product_id: productId, quantity }],
        shipping_address: ADDRESS,
      })
      .expect(201);
    expect(res.body.status).toBe('creada');
    return { id: res.body.id, total: res.body.total };
  }

  const pay = (buyer: { token: string }, o: { id: string; total: number }, card = GOOD_CARD) =>
    platform
      .http('payment')
      .post('/api/v1/payments/process')
      .set(auth(buyer.token))
      .send({ order_id: o.id, amount: o.total, payment_method: 'credit_card', card });

  const orderOf = async (buyer: { token: string }, id: string) =>
    (await platform.http('order').get(`/api/v1/orders/${id}`).set(auth(buyer.token)).expect(200))
      .body;

  const deliveriesOf = async (orderId: string) =>
    (
      await platform
        .http('delivery')
        .get(`/api/v1/deliveries?order_id=${orderId}`)
        .set(auth(admin))
        .expect(200)
    ).body.items as Array<{ id: string; status: string; tracking_number: string }>;

  const eventTypes = async (buyer: { token: string }, id: string) =>
    (
      await platform
        .http('order')
        .get(`/api/v1/orders/${id}/events`)
        .set(auth(buyer.token))
        .expect(200)
    ).body.map((e: { type: string }) => e.type);

  const moveDelivery = (id: string, status: string) =>
    platform
      .http('delivery')
      .patch(`/api/v1/deliveries/${id}/status`)
      .set(auth(admin))
      .send({ status })
      .expect(200);

  beforeAll(async () => {
    platform = await InProcessPlatform.start();
    admin = await platform.issuer.admin();
  }, 120_000);

  afterAll(() => platform?.stop());

  it('goes order → validate → pay → pagada → delivery → enviada → entregada, every step in the history', async () => {
    const buyer = await customer();
    const productId = await product(10);
    const placed = await order(buyer, productId, 3);
    expect(placed.total).toBe(59.97);
    expect(await stockOf(productId)).toBe(7);

    const validation = await platform
      .http('order-validation')
      .post('/api/v1/validations/validate')
      .set(auth(buyer.token))
      .send({ order_id: placed.id })
      .expect(200);
    expect(validation.body).toMatchObject({ order_id: placed.id, valid: true, errors: [] });
    // order.validated, from order-validation's in-memory outbox to the order's history
    await platform.settle();
    const history = await platform
      .http('order')
      .get(`/api/v1/orders/${placed.id}/events`)
      .set(auth(buyer.token))
      .expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual(['created', 'validated']);
    expect(history.body[1]).toMatchObject({ status: 'creada', cause: 'validated: valid' });

    const payment = await pay(buyer, placed).expect(201);
    expect(payment.body).toMatchObject({ status: 'aprobado', card_last4: '4242' });

    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('pagada');
    const [delivery, ...others] = await deliveriesOf(placed.id);
    expect(others).toEqual([]);
    expect(delivery.status).toBe('pendiente');

    await moveDelivery(delivery.id, 'en_transito');
    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('enviada');

    await moveDelivery(delivery.id, 'entregada');
    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('entregada');

    expect(await eventTypes(buyer, placed.id)).toEqual([
      'created',
      'validated',
      'paid',
      'shipped',
      'delivered',
    ]);
    const tracking = await platform
      .http('delivery')
      .get(`/api/v1/deliveries/track/${delivery.tracking_number}`)
      .expect(200);
    expect(tracking.body.status).toBe('entregada');
    expect(await stockOf(productId)).toBe(7);
  });

  it('leaves the order creada after a declined card, and a later good card pays it', async () => {
    const buyer = await customer();
    const placed = await order(buyer, await product(5), 1);
    const declined = await pay(buyer, placed, DECLINED_CARD).expect(201);
    expect(declined.body.status).toBe('rechazado');
    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('creada');

    const approved = await pay(buyer, placed).expect(201);
    expect(approved.body.status).toBe('aprobado');
    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('pagada');
  });

  it('converges after an order-service outage: payment approved meanwhile, then pagada and one delivery', async () => {
    const buyer = await customer();
    const placed = await order(buyer, await product(5), 1);
    await platform.down('order');
    try {
      const payment = await pay(buyer, placed);
      // the order could not be read to check it: the payment cannot be taken
      expect(payment.status).toBe(503);
    } finally {
      await platform.up('order');
    }

    // approved while the order service is down: the outbox holds the news
    const approved = await pay(buyer, placed).expect(201);
    expect(approved.body.status).toBe('aprobado');
    await platform.down('order');
    await platform.settle(500);
    // the news waits: in payment's outbox (HTTP push) or in order's queue (RabbitMQ)
    expect(await platform.waiting()).toBeGreaterThan(0);
    await platform.up('order');
    await platform.settle();
    expect((await orderOf(buyer, placed.id)).status).toBe('pagada');
    expect(await deliveriesOf(placed.id)).toHaveLength(1);
    expect((await eventTypes(buyer, placed.id)).filter((t: string) => t === 'paid')).toHaveLength(
      1,
    );
  });

  it('converges after a delivery-service outage: the order is pagada, and exactly one delivery once it is back', async () => {
    const buyer = await customer();
    const placed = await order(buyer, await product(5), 2);
    await platform.down('delivery');
    try {
      await pay(buyer, placed).expect(201);
      await platform.settle(1000);
      expect((await orderOf(buyer, placed.id)).status).toBe('pagada');
      // order.paid waits: in order's outbox (HTTP push) or in delivery's queue (RabbitMQ)
      expect(await platform.waiting()).toBeGreaterThan(0);
    } finally {
      await platform.up('delivery');
    }
    await platform.settle();
    await platform.settle(); // a second pass redelivers nothing
    expect(await deliveriesOf(placed.id)).toHaveLength(1);
  });

  it('cancels a paid order: refund, stock back, delivery cancelled; stock + reserved + sold stays the start', async () => {
    const buyer = await customer();
    const productId = await product(8);
    const placed = await order(buyer, productId, 3);
    const payment = await pay(buyer, placed).expect(201);
    await platform.settle();
    expect(await deliveriesOf(placed.id)).toHaveLength(1);
    expect(await stockOf(productId)).toBe(5);

    const cancelled = await platform
      .http('order')
      .post(`/api/v1/orders/${placed.id}/cancel`)
      .set(auth(buyer.token))
      .expect(200);
    expect(cancelled.body.status).toBe('cancelada');
    await platform.settle();

    const refunded = await platform
      .http('payment')
      .get(`/api/v1/payments/${payment.body.id}`)
      .set(auth(buyer.token))
      .expect(200);
    expect(refunded.body.status).toBe('reembolsado');
    expect(await stockOf(productId)).toBe(8);
    expect((await deliveriesOf(placed.id)).map((d) => d.status)).toEqual(['cancelada']);
    expect((await orderOf(buyer, placed.id)).status).toBe('cancelada');
    expect(await eventTypes(buyer, placed.id)).toEqual([
      'created',
      'paid',
      'cancelled',
      'refunded',
    ]);
  });
});
