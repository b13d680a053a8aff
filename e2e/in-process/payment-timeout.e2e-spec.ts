import { setTimeout as sleep } from 'node:timers/promises';
import { SIMULATED_TEST_CARDS } from '@app/contracts';
import { eventually } from '@app/testing';
// Cross-service suites drive the services' own use cases where a timer would otherwise decide.
import { ExpireUnpaidOrdersUseCase } from '../../services/order/src/application/use-cases/expire-unpaid-orders.use-case';
import { ReconcilePendingPaymentsUseCase } from '../../services/payment/src/application/use-cases/reconcile-pending-payments.use-case';
import { InProcessPlatform } from './in-process-platform';
import { Buyer, ShopSteps } from './shop-steps';

// SPEC "Order": an order still creada after ORDER_PAYMENT_TIMEOUT_SECONDS is cancelled with cause
// payment_timeout and its stock released; a payment approved after that is refunded. Across the
// six real services, the order service's expiry pass running on its own timer.
const TIMEOUT_S = 2;
/**
 * The expiry pass is one call; the payment's fact first goes through payment's relay and the
 * order's inbox. The pass starts this much later, round by round, so both sides win some rounds.
 */
const EXPIRY_DELAYS_MS = [0, 10, 20, 30, 40, 60];

describe('unpaid orders expire (real services)', () => {
  let platform: InProcessPlatform;
  let shop: ShopSteps;
  let buyer: Buyer;
  const expireNow = (now: Date) =>
    platform.app('order').get(ExpireUnpaidOrdersUseCase).execute(now);
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    platform = await InProcessPlatform.start({
      env: {
        order: {
          ORDER_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT_S),
          ORDER_EXPIRY_INTERVAL_MS: '100',
        },
      },
    });
    shop = await ShopSteps.of(platform);
    buyer = await shop.buyer();
  }, 120_000);
  afterAll(() => platform?.stop());

  it('expires an unpaid order: cancelled (payment_timeout) in its history, its stock back at product; one paid in time ships', async () => {
    const productId = await shop.product(10);
    const paidInTime = await shop.order(buyer, productId, 2);
    expect((await shop.pay(buyer, paidInTime).expect(201)).body.status).toBe('aprobado');
    await platform.settle();
    const unpaid = await shop.order(buyer, productId, 3);
    expect(await shop.stockOf(productId)).toBe(5);

    await eventually(
      'the unpaid order expired',
      () => shop.orderStatus(unpaid.id),
      (s) => s === 'cancelada',
    );
    expect(await shop.history(unpaid.id)).toEqual([
      'created:order placed',
      'cancelled:payment_timeout',
    ]);
    await platform.settle();
    expect(await shop.stockOf(productId)).toBe(8);
    // placed earlier, paid in time: untouched, and its delivery is there
    expect(await shop.orderStatus(paidInTime.id)).toBe('pagada');
    expect((await shop.deliveries(paidInTime.id)).map((d) => d.status)).toEqual(['pendiente']);
    expect(await shop.deliveries(unpaid.id)).toEqual([]);
  });

  it('a payment attempted after the expiry is refused (422 order-not-payable): nothing charged', async () => {
    const order = await shop.order(buyer, await shop.product(5));
    await eventually(
      'expired',
      () => shop.orderStatus(order.id),
      (s) => s === 'cancelada',
    );
    await platform.settle(); // payment hears order.cancelled
    const refused = await shop.pay(buyer, order).expect(422);
    expect(refused.body.type).toBe('https://nest-commerce.dev/problems/order-not-payable');
    expect(await shop.payments(order.id)).toEqual([]);
  });

  it('a payment charged before the deadline but approved after it is refunded (reembolsado); the stock comes back once', async () => {
    const productId = await shop.product(5);
    const order = await shop.order(buyer, productId, 2);
    // the gateway takes the charge but its answer is lost: pendiente, the order still creada
    const pending = await shop.pay(buyer, order, SIMULATED_TEST_CARDS.timeout).expect(202);
    expect(pending.body.status).toBe('pendiente');
    await eventually(
      'expired',
      () => shop.orderStatus(order.id),
      (s) => s === 'cancelada',
    );
    await platform.settle();
    expect(await shop.stockOf(productId)).toBe(5);

    // reconciliation learns the charge went through: approved, after the order expired
    const report = await platform
      .app('payment')
      .get(ReconcilePendingPaymentsUseCase)
      .execute({ minAgeMs: 0 });
    expect(report.approved).toBe(1);
    await platform.settle();
    expect((await shop.payments(order.id)).map((p) => p.status)).toEqual(['reembolsado']);
    expect(await shop.orderStatus(order.id)).toBe('cancelada');
    expect(await shop.history(order.id)).toEqual([
      'created:order placed',
      'cancelled:payment_timeout',
      expect.stringMatching(/^refunded:payment refunded/),
    ]);
    expect(await shop.stockOf(productId)).toBe(5);
    expect(await shop.deliveries(order.id)).toEqual([]);
    expect(await shop.deadLetters()).toEqual({});
  });

  it('payment and expiry racing at the deadline: one wins each round, and the end is consistent (paid and shipping, or cancelled and refunded)', async () => {
    const productId = await shop.product(100);
    const outcomes = { paid: 0, expired: 0 };
    for (let round = 0; round < 18; round += 1) {
      const order = await shop.order(buyer, productId);
      // approved at the gateway: payment.approved waits in payment's outbox
      expect((await shop.pay(buyer, order).expect(201)).body.status).toBe('aprobado');
      // its delivery to the order and an expiry pass past the deadline, at the same moment
      const delay = EXPIRY_DELAYS_MS[round % EXPIRY_DELAYS_MS.length];
      await Promise.all([platform.settle(), sleep(delay).then(() => expireNow(inAnHour()))]);
      await platform.settle();
      const status = await shop.orderStatus(order.id);
      const payments = (await shop.payments(order.id)).map((p) => p.status);
      const deliveries = (await shop.deliveries(order.id)).map((d) => d.status);
      if (status === 'pagada') {
        outcomes.paid += 1;
        expect({ payments, deliveries }).toEqual({
          payments: ['aprobado'],
          deliveries: ['pendiente'],
        });
      } else {
        outcomes.expired += 1;
        expect({ status, payments, deliveries }).toEqual({
          status: 'cancelada',
          payments: ['reembolsado'],
          deliveries: [],
        });
        expect((await shop.history(order.id)).slice(0, 2)).toEqual([
          'created:order placed',
          'cancelled:payment_timeout',
        ]);
      }
    }
    // every unit of an expired order came back, every paid one stayed sold
    expect(await shop.stockOf(productId)).toBe(100 - outcomes.paid);
    expect(await shop.deadLetters()).toEqual({});
    console.info(`payment vs expiry across services, 18 rounds: ${JSON.stringify(outcomes)}`);
  }, 120_000);
});
