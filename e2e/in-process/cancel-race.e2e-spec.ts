import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessPlatform } from './in-process-platform';
import { Buyer, ShopSteps } from './shop-steps';

// SPEC "Order": a cancel racing the shipment ends consistent: cancelled (delivery cancelled,
// payment refunded) or shipped (cancel refused, 409), with no dead letter. Each round pays an
// order, waits for its delivery, then fires the customer's cancel and the admin's en_transito at
// the same moment, across the six real services (real HTTP, real PostgreSQL; RabbitMQ when
// AMQP_URL is set).
const ROUNDS = 40;
/**
 * The cancel takes a few more steps before it reaches delivery (its pending row, then the HTTP
 * call) than the admin's PATCH: the PATCH starts this much later, round by round, so the two
 * collide in delivery's database from both sides instead of the PATCH nearly always winning.
 */
const SHIP_DELAYS_MS = [0, 4, 8, 12, 16];

describe('a cancel racing the shipment (real services)', () => {
  let platform: InProcessPlatform;
  let shop: ShopSteps;
  let buyer: Buyer;

  beforeAll(async () => {
    platform = await InProcessPlatform.start();
    shop = await ShopSteps.of(platform);
    buyer = await shop.buyer();
  }, 120_000);
  afterAll(() => platform?.stop());

  it(`ends cancelled+refunded or shipped+charged, every one of ${ROUNDS} rounds, no dead letter anywhere`, async () => {
    const productId = await shop.product(ROUNDS * 2);
    const outcomes = { cancelled: 0, shipped: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = await shop.order(buyer, productId, 2);
      const payment = await shop.pay(buyer, order).expect(201);
      expect(payment.body.status).toBe('aprobado');
      await platform.settle();
      const [delivery] = await shop.deliveries(order.id);
      expect(delivery.status).toBe('pendiente');

      const delay = SHIP_DELAYS_MS[round % SHIP_DELAYS_MS.length];
      const [cancel, ship] = await Promise.all([
        shop.cancel(buyer, order.id),
        sleep(delay).then(() => shop.moveDelivery(delivery.id, 'en_transito')),
      ]);
      await platform.settle();

      const state = {
        cancel: cancel.status,
        ship: ship.status,
        order: await shop.orderStatus(order.id),
        delivery: (await shop.deliveries(order.id)).map((d) => d.status),
        payment: (await shop.payments(order.id)).map((p) => p.status),
      };
      if (cancel.status === 200) {
        outcomes.cancelled += 1;
        expect(state).toEqual({
          cancel: 200,
          ship: 409,
          order: 'cancelada',
          delivery: ['cancelada'],
          payment: ['reembolsado'],
        });
        expect(await shop.history(order.id)).toEqual([
          'created:order placed',
          'paid:payment approved',
          'cancelled:cancelled by the customer',
          expect.stringMatching(/^refunded:payment refunded/),
        ]);
      } else {
        outcomes.shipped += 1;
        expect(state).toEqual({
          cancel: 409,
          ship: 200,
          order: 'enviada',
          delivery: ['en_transito'],
          payment: ['aprobado'],
        });
        expect(cancel.body).toMatchObject({
          type: 'https://nest-commerce.dev/problems/illegal-transition',
          reason: 'shipped',
        });
        expect(await shop.history(order.id)).toEqual([
          'created:order placed',
          'paid:payment approved',
          'shipped:delivery left the warehouse',
        ]);
      }
    }
    // stock: the cancelled orders' units came back, the shipped ones' stayed sold
    expect(await shop.stockOf(productId)).toBe(ROUNDS * 2 - 2 * outcomes.shipped);
    expect(await shop.deadLetters()).toEqual({});
    expect(await platform.waiting()).toBe(0);
    console.info(`cancel vs en_transito, ${ROUNDS} rounds: ${JSON.stringify(outcomes)}`);
  }, 300_000);
});
