import { randomUUID } from 'node:crypto';
import { SIMULATED_TEST_CARDS } from '@app/contracts';
import { BROKER_URL } from '../support/broker-under-test';
import { InProcessPlatform, ServiceName } from './in-process-platform';

export const ADDRESS = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postal_code: '28013',
  country: 'ES',
};

export const card = (number: string = SIMULATED_TEST_CARDS.approved) => ({
  number,
  exp_month: 12,
  exp_year: 2035,
  cvc: '123',
});

export interface Buyer {
  id: string;
  token: string;
}

/** The services that keep an outbox and an inbox (and, over RabbitMQ, a dead-letter queue). */
const MESSAGING: ServiceName[] = ['product', 'order', 'payment', 'delivery'];

/**
 * What a customer and an admin do across the real services of an InProcessPlatform, over HTTP
 * with real tokens: a shopper's steps and the reads the assertions need.
 */
export class ShopSteps {
  private constructor(
    private readonly platform: InProcessPlatform,
    readonly admin: string,
  ) {}

  static async of(platform: InProcessPlatform): Promise<ShopSteps> {
    return new ShopSteps(platform, await platform.issuer.admin());
  }

  private auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async buyer(): Promise<Buyer> {
    const res = await this.platform
      .http('user')
      .post('/api/v1/users')
      .send({ name: 'Ada', email: `ada-${randomUUID()}@example.com`, password: 'a long password!' })
      .expect(201);
    return { id: res.body.id, token: await this.platform.issuer.customer(res.body.id) };
  }

  async product(stock: number, price = 10): Promise<string> {
    const res = await this.platform
      .http('product')
      .post('/api/v1/products')
      .set(this.auth(this.admin))
      .send({ name: `Lamp ${randomUUID()}`, price, stock_quantity: stock, category: 'home' })
      .expect(201);
    return res.body.id;
  }

  async stockOf(productId: string): Promise<number> {
    const res = await this.platform.http('product').get(`/api/v1/products/${productId}`);
    return res.body.stock_quantity;
  }

  async order(buyer: Buyer, productId: string, quantity = 1) {
    const res = await this.platform
      .http('order')
      .post('/api/v1/orders')
      .set(this.auth(buyer.token))
      .send({
        user_id: buyer.id,
        items: [{ product_id: productId, quantity }],
        shipping_address: ADDRESS,
      })
      .expect(201);
    return { id: res.body.id as string, total: res.body.total as number };
  }

  pay(buyer: Buyer, order: { id: string; total: number }, number?: string) {
    return this.platform
      .http('payment')
      .post('/api/v1/payments/process')
      .set(this.auth(buyer.token))
      .send({
        order_id: order.id,
        amount: order.total,
        payment_method: 'credit_card',
        card: card(number),
      });
  }

  cancel(buyer: Buyer, orderId: string) {
    return this.platform
      .http('order')
      .post(`/api/v1/orders/${orderId}/cancel`)
      .set(this.auth(buyer.token));
  }

  moveDelivery(deliveryId: string, status: string) {
    return this.platform
      .http('delivery')
      .patch(`/api/v1/deliveries/${deliveryId}/status`)
      .set(this.auth(this.admin))
      .send({ status });
  }

  async orderStatus(orderId: string): Promise<string> {
    const res = await this.platform
      .http('order')
      .get(`/api/v1/orders/${orderId}`)
      .set(this.auth(this.admin))
      .expect(200);
    return res.body.status;
  }

  /** `type:cause` of each history entry, oldest first */
  async history(orderId: string): Promise<string[]> {
    const res = await this.platform
      .http('order')
      .get(`/api/v1/orders/${orderId}/events`)
      .set(this.auth(this.admin))
      .expect(200);
    return res.body.map((e: { type: string; cause: string }) => `${e.type}:${e.cause}`);
  }

  async deliveries(orderId: string): Promise<Array<{ id: string; status: string }>> {
    const res = await this.platform
      .http('delivery')
      .get(`/api/v1/deliveries?order_id=${orderId}`)
      .set(this.auth(this.admin))
      .expect(200);
    return res.body.items;
  }

  async payments(orderId: string): Promise<Array<{ id: string; status: string }>> {
    const res = await this.platform
      .http('payment')
      .get(`/api/v1/payments?order_id=${orderId}`)
      .set(this.auth(this.admin))
      .expect(200);
    return res.body.items;
  }

  /**
   * Events some service could not apply, on every service that takes events: its outbox's dead
   * rows (HTTP push gave up, or the consumer answered that the event can never apply) and, over
   * RabbitMQ, its dead-letter queue. `service: n` for each one that has any.
   */
  async deadLetters(): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    for (const service of MESSAGING) {
      const dead = await this.platform
        .http(service)
        .get('/api/v1/admin/outbox?status=dead&limit=100')
        .set(this.auth(this.admin))
        .expect(200);
      let count = dead.body.items.length as number;
      if (BROKER_URL) {
        const queued = await this.platform
          .http(service)
          .get('/api/v1/admin/events/dead-letters?limit=100')
          .set(this.auth(this.admin))
          .expect(200);
        count += queued.body.items.length as number;
      }
      if (count > 0) found[service] = count;
    }
    return found;
  }
}
