// The whole platform as `npm start` runs it (seven service processes, real PostgreSQL, the
// launcher's build/migrate/seed/health gating), exercised over HTTP only:
// - scripts/order-flow.sh against it (whole flow, declined card, cancel of a paid order);
// - the whole flow again with the order's event history, and 8 concurrent payments;
// - outages: the delivery service stopped while an order is paid, and the order service killed
//   while a payment is being approved; each restarted, and the platform converges (order
//   pagada, exactly one delivery);
// - the stop: SIGINT to the launcher stops everything, no process left behind.
// Slow (about 1-3 minutes; more when the services must be built first): its own timeouts.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  ADDRESS,
  CARDS,
  Customer,
  Order,
  Product,
  Shop,
  call,
  eventually,
  expectCall,
} from './support/http';
import { BROKER_URL } from './support/broker-under-test';
import { FullStack, ROOT } from './support/stack';

const MINUTE = 60_000;
const CONVERGE_MS = 90_000; // outbox backoff after an outage, on a busy 2-core machine

const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
const hasBash = spawnSync('bash', ['--version'], { stdio: 'ignore' }).status === 0;

function runScript(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script], {
      cwd: ROOT,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('full stack (npm start, HTTP only)', () => {
  let stack: FullStack;
  let shop: Shop;
  let admin: string;
  let products: Product[];

  beforeAll(async () => {
    stack = await FullStack.start();
    shop = new Shop(stack);
    admin = await shop.admin();
    products = await shop.products(4);
    // up to 10 min waiting for the recovery suite's stack to stop first, then the start
  }, 20 * MINUTE);

  afterAll(async () => {
    await stack?.close();
  }, 3 * MINUTE);

  const withLog = <T>(work: () => Promise<T>) => stack.withLog(work, 40);

  const lines = (a: Product, qa: number, b: Product, qb: number) => [
    { product_id: a.id, quantity: qa },
    { product_id: b.id, quantity: qb },
  ];

  async function paidOrderWithDelivery(who: Customer, order: Order) {
    await eventually(
      'order pagada',
      () => shop.order(who, order.id),
      (o) => o.status === 'pagada',
      CONVERGE_MS,
    );
    const [delivery] = await eventually(
      'the delivery of the order',
      () => shop.deliveriesOf(who, order.id),
      (d) => d.length > 0,
      CONVERGE_MS,
    );
    return delivery;
  }

  /** Once nothing about the order is left to deliver, it has exactly one delivery. */
  async function expectExactlyOneDelivery(who: Customer, order: Order) {
    await eventually(
      "the order's messages all delivered",
      async () => [
        ...(await shop.outbox('payment', admin, order.id, 'pending')),
        ...(await shop.outbox('order', admin, order.id, 'pending')),
      ],
      (pending) => pending.length === 0,
      CONVERGE_MS,
    );
    const deliveries = await shop.deliveriesOf(who, order.id);
    expect(deliveries.map((d) => d.status)).toEqual(['pendiente']);
    const adminView = await shop.deliveriesOf(admin, order.id);
    expect(adminView).toHaveLength(1);
    const events = await shop.orderEvents(who, order.id);
    expect(events.filter((e) => e.type === 'paid')).toHaveLength(1);
    return deliveries[0];
  }

  (hasCurl && hasBash ? it : it.skip)(
    'scripts/order-flow.sh passes against the stack (whole flow, declined card, cancel of a paid order)',
    async () => {
      const urls = stack.urls;
      const { code, output } = await runScript(
        path.join('scripts', 'order-flow.sh'),
        {
          PRODUCT_URL: urls.product,
          USER_URL: urls.user,
          DELIVERY_URL: urls.delivery,
          CART_URL: urls.cart,
          ORDER_URL: urls.order,
          VALIDATION_URL: urls['order-validation'],
          PAYMENT_URL: urls.payment,
          FLOW_TIMEOUT: '60',
        },
        6 * MINUTE,
      );
      if (code !== 0) {
        throw new Error(
          `order-flow.sh exited ${code}:\n${output}\n--- ${stack.logFile} (tail) ---\n${stack.logTail(40)}`,
        );
      }
      expect(output).toContain('order-flow passed');
    },
    7 * MINUTE,
  );
  if (!hasCurl || !hasBash) {
    console.warn('full-stack: curl or bash missing: scripts/order-flow.sh is not run');
  }

  it(
    'the whole flow: validate (recorded in the history), pay, delivery pendiente → en_transito → entregada, with the order history showing each step',
    () =>
      withLog(async () => {
        const alice = await shop.customer();
        const [a, b] = products;
        const order = await shop.placeOrder(alice, lines(a, 1, b, 3));
        expect(order.status).toBe('creada');
        expect(Math.round(order.total * 100)).toBe(
          Math.round(a.price * 100) + 3 * Math.round(b.price * 100),
        );

        const validation = await expectCall(
          200,
          'POST',
          shop.url('order-validation', '/validations/validate'),
          { token: alice.token, body: { order_id: order.id } },
        );
        expect(validation.body).toMatchObject({ order_id: order.id, valid: true, errors: [] });
        // order.validated travels from order-validation's in-memory outbox to the history
        await eventually(
          'the validation in the order history',
          () => shop.orderEvents(alice, order.id),
          (events) => events.some((e) => e.type === 'validated'),
          CONVERGE_MS,
        );

        const paid = await shop.pay(alice, order);
        expect(paid.status).toBe(201);
        expect(paid.body).toMatchObject({ status: 'aprobado', card_last4: '4242' });
        expect(JSON.stringify(paid.body)).not.toContain(CARDS.approves);

        const delivery = await paidOrderWithDelivery(alice, order);
        expect(delivery.status).toBe('pendiente');
        const tracking = await expectCall(
          200,
          'GET',
          shop.url('delivery', `/deliveries/track/${delivery.tracking_number}`),
        );
        expect(tracking.body).toMatchObject({ status: 'pendiente' });
        expect(JSON.stringify(tracking.body)).not.toContain(ADDRESS.street);

        // a customer may not move a delivery
        const refused = await call(
          'PATCH',
          shop.url('delivery', `/deliveries/${delivery.id}/status`),
          {
            token: alice.token,
            body: { status: 'en_transito' },
          },
        );
        expect(refused.status).toBe(403);

        for (const [status, orderStatus] of [
          ['en_transito', 'enviada'],
          ['entregada', 'entregada'],
        ]) {
          await expectCall(
            200,
            'PATCH',
            shop.url('delivery', `/deliveries/${delivery.id}/status`),
            {
              token: admin,
              body: { status },
            },
          );
          await eventually(
            `order ${orderStatus}`,
            () => shop.order(alice, order.id),
            (o) => o.status === orderStatus,
            CONVERGE_MS,
          );
        }

        const events = await shop.orderEvents(alice, order.id);
        expect(events.map((e) => [e.type, e.status])).toEqual([
          ['created', 'creada'],
          ['validated', 'creada'],
          ['paid', 'pagada'],
          ['shipped', 'enviada'],
          ['delivered', 'entregada'],
        ]);
        expect(events[1].cause).toBe('validated: valid');
        expect(events[2].payment_id).toBe(paid.body.id);
        expect(events[3].delivery_id).toBe(delivery.id);
        expect(events[4].delivery_id).toBe(delivery.id);

        // another customer sees none of it
        const bob = await shop.customer();
        expect(
          (await call('GET', shop.url('order', `/orders/${order.id}`), { token: bob.token }))
            .status,
        ).toBe(404);
        expect(
          (
            await call('GET', shop.url('payment', `/payments/${paid.body.id}`), {
              token: bob.token,
            })
          ).status,
        ).toBe(404);
        expect(
          (
            await call('GET', shop.url('delivery', `/deliveries/${delivery.id}`), {
              token: bob.token,
            })
          ).status,
        ).toBe(404);
      }),
    5 * MINUTE,
  );

  it(
    'a declined card leaves the order creada; a later good card pays it',
    () =>
      withLog(async () => {
        const carol = await shop.customer();
        const order = await shop.placeOrder(carol, lines(products[2], 1, products[3], 1));
        const declined = await shop.pay(carol, order, CARDS.declines);
        expect(declined.status).toBe(201);
        expect(declined.body.status).toBe('rechazado');
        expect((await shop.order(carol, order.id)).status).toBe('creada');

        const approved = await shop.pay(carol, order);
        expect(approved.status).toBe(201);
        expect(approved.body.status).toBe('aprobado');
        await paidOrderWithDelivery(carol, order);
        expect((await shop.paymentsOf(carol, order.id)).map((p) => p.status).sort()).toEqual([
          'aprobado',
          'rechazado',
        ]);
      }),
    5 * MINUTE,
  );

  it(
    '8 concurrent payments for one order: exactly one aprobado, no 5xx, one delivery',
    () =>
      withLog(async () => {
        const dave = await shop.customer();
        const order = await shop.placeOrder(dave, lines(products[0], 1, products[1], 1));
        const answers = await Promise.all(Array.from({ length: 8 }, () => shop.pay(dave, order)));
        const statuses = answers.map((r) => r.status);
        expect(statuses.filter((s) => s >= 500 || s === 0)).toEqual([]);
        const approved = answers.filter((r) => r.status === 201 && r.body.status === 'aprobado');
        expect(approved).toHaveLength(1);
        for (const other of answers.filter((r) => r !== approved[0])) {
          expect([409, 422]).toContain(other.status);
        }
        await paidOrderWithDelivery(dave, order);
        await expectExactlyOneDelivery(dave, order);
        expect(
          (await shop.paymentsOf(dave, order.id)).filter((p) => p.status === 'aprobado'),
        ).toHaveLength(1);
      }),
    5 * MINUTE,
  );

  it(
    'outage: the delivery service is stopped while an order is paid; once it is back the order has exactly one delivery',
    () =>
      withLog(async () => {
        const erin = await shop.customer();
        const order = await shop.placeOrder(erin, lines(products[1], 1, products[2], 1));
        await stack.stopService('delivery');
        try {
          expect((await call('GET', `${stack.urls.delivery}/health`)).status).toBe(0);
          // the rest keeps going
          const paid = await shop.pay(erin, order);
          expect(paid.status).toBe(201);
          expect(paid.body.status).toBe('aprobado');
          await eventually(
            'order pagada',
            () => shop.order(erin, order.id),
            (o) => o.status === 'pagada',
            CONVERGE_MS,
          );
          // order.paid waits: in the order's outbox, tried and failed at least once (HTTP
          // push), or handed to the broker, in delivery's queue (RabbitMQ)
          const waiting = await eventually(
            BROKER_URL
              ? 'order.paid handed to the broker'
              : 'order.paid waiting in the order outbox',
            () => shop.outbox('order', admin, order.id, BROKER_URL ? 'delivered' : 'pending'),
            (m) =>
              m.some((x) =>
                BROKER_URL
                  ? x.type === 'order.paid'
                  : x.destination === 'delivery' && x.attempts >= 1,
              ),
            CONVERGE_MS,
          );
          expect(waiting.filter((m) => m.type === 'order.paid')).toHaveLength(1);
        } finally {
          await stack.ensureRunning('delivery');
        }
        await paidOrderWithDelivery(erin, order);
        const delivery = await expectExactlyOneDelivery(erin, order);
        const delivered = await shop.outbox('order', admin, order.id, 'delivered');
        expect(delivered.filter((m) => m.type === 'order.paid')).toHaveLength(1);
        expect(delivery.status).toBe('pendiente');
      }),
    6 * MINUTE,
  );

  it(
    'outage: the order service is killed while a payment is being approved; the payment answers aprobado, and once the order service is back the order is pagada with exactly one delivery',
    () =>
      withLog(async () => {
        // a slow simulated gateway (4 s) leaves time to kill the order service after the payment
        // has read the order and before the gateway answers
        const frank = await shop.customer();
        const order = await shop.placeOrder(frank, lines(products[2], 1, products[3], 2));
        await stack.stopService('payment');
        try {
          await stack.startService('payment', { SIMULATED_GATEWAY_LATENCY_MS: '4000' });
          const paying = shop.pay(frank, order);
          // stored pendiente before the gateway is asked: the order has been read by then
          const seen = await eventually(
            'the payment stored',
            () => shop.paymentsOf(frank, order.id),
            (p) => p.length > 0,
            30_000,
          );
          if (seen[0].status !== 'pendiente') {
            throw new Error(
              `the gateway answered (${seen[0].status}) before the order service could be stopped: is the machine overloaded?`,
            );
          }
          await stack.stopService('order', 'SIGKILL');
          const paid = await paying;
          expect(paid.status).toBe(201);
          expect(paid.body.status).toBe('aprobado');

          // payment.approved waits: in payment's outbox, tried at least once (HTTP push), or
          // handed to the broker, in order's queue (RabbitMQ)
          const waiting = await eventually(
            BROKER_URL
              ? 'payment.approved handed to the broker'
              : 'payment.approved waiting in the payment outbox, tried at least once',
            () => shop.outbox('payment', admin, order.id, BROKER_URL ? 'delivered' : 'pending'),
            (m) => m.some((x) => x.attempts >= 1),
            CONVERGE_MS,
          );
          expect(waiting.map((m) => m.type)).toEqual(['payment.approved']);
          expect(
            (await call('GET', shop.url('order', `/orders/${order.id}`), { token: frank.token }))
              .status,
          ).toBe(0);
          // the payment itself is readable meanwhile
          expect((await shop.paymentsOf(frank, order.id)).map((p) => p.status)).toEqual([
            'aprobado',
          ]);
        } finally {
          await stack.ensureRunning('order');
          // back to the normal gateway
          await stack.ensureRunning('payment');
          await stack.stopService('payment');
          await stack.startService('payment');
        }
        const delivery = await paidOrderWithDelivery(frank, order);
        await expectExactlyOneDelivery(frank, order);
        const paidEvents = (await shop.orderEvents(frank, order.id)).filter(
          (e) => e.type === 'paid',
        );
        expect(paidEvents).toHaveLength(1);
        expect(delivery.status).toBe('pendiente');
      }),
    8 * MINUTE,
  );

  it(
    'SIGINT to the launcher stops every service and PostgreSQL use, leaving no process behind',
    async () => {
      const pids = [...stack.servicePids];
      expect(pids.length).toBeGreaterThanOrEqual(7); // and one more per restart above
      const { leftovers, exitCode, ms } = await stack.shutdown();
      expect(leftovers).toEqual([]);
      expect(exitCode).toBe(0);
      expect(ms).toBeLessThan(60_000);
      for (const url of Object.values(stack.urls)) {
        expect((await call('GET', `${url}/health`, { timeoutMs: 2000 })).status).toBe(0);
      }
    },
    3 * MINUTE,
  );
});
