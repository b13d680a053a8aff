// Recovery in seconds, measured from outside under a steady checkout load (12 clients in a
// closed loop: cart, line, checkout, payment), on the whole platform as `npm start` runs it:
// - a database blip: every connection of order_db and payment_db terminated at once
//   (pg_terminate_backend, as a failover or a pooler restart does; repeated a few times, 1.5 s
//   apart, until both services logged a request it hit): no 500, no approved payment answered
//   as a failure, error-free again within seconds;
// - a crash: the order service SIGKILLed and restarted: checkouts succeed again within 5 s of it
//   being healthy (callers' breakers probe it within a second, the dead process's idempotency
//   keys and outbox claims lapse within their short leases), no 500, no cart stuck.
// Each prints its figures. Slow (a stack to start, then about a minute of load).
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Customer, Delivery, Shop, eventually, expectCall } from '../support/http';
import { FullStack } from '../support/stack';
import { StockLedger } from '../support/stock-ledger';
import { CheckoutLoad, Flow } from './checkout-load';
import { FaultFigures, faultFigures } from './fault-figures';
import { connectionLossesLogged } from './stack-log';

const MINUTE = 60_000;
const INITIAL_STOCK = 1_000_000;
const CLIENTS = 12;
const WARM_UP_MS = 5_000;
/** how long the load keeps running after the platform is back (or after a blip) */
const OBSERVE_MS = 12_000;
/** the measurement restarted after 10 s; 5 s leaves the 10 s idempotency lease running */
const RESTART_AFTER_MS = 5_000;
const BLIPS_AT_MOST = 5;
const BLIP_EVERY_MS = 1_500;

async function connectTo(database: string): Promise<Client> {
  const url = new URL(process.env.POSTGRES_URL!);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/** Waits (at most `timeoutMs`) until the service holds an Idempotency-Key in flight. */
async function untilInFlight(db: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE state = 'in_flight'`,
    );
    if (rows[0].n > 0) return;
    await sleep(10);
  }
}

/** In-flight keys (by lease token) and claimed outbox messages (by id) of the order service. */
async function heldBy(db: Client): Promise<{ keys: string[]; claimed: string[] }> {
  const keys = await db.query<{ lease_token: string }>(
    `SELECT lease_token FROM idempotency_keys WHERE state = 'in_flight'`,
  );
  const claimed = await db.query<{ id: string }>(
    `SELECT id FROM outbox_messages WHERE status = 'pending' AND locked_until > now()`,
  );
  return { keys: keys.rows.map((r) => r.lease_token), claimed: claimed.rows.map((r) => r.id) };
}

/**
 * Terminates every session of these databases (and only those: the pids are chosen first, as
 * in one statement PostgreSQL may call pg_terminate_backend before the other conditions).
 */
async function terminateConnections(databases: string[]): Promise<number> {
  const pg = new Client({ connectionString: process.env.POSTGRES_URL });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
      [databases],
    );
    let terminated = 0;
    for (const { pid } of rows) {
      const result = await pg.query<{ done: boolean }>(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
          WHERE pid = $1 AND datname = ANY($2)`,
        [pid, databases],
      );
      if (result.rows[0]?.done) terminated += 1;
    }
    return terminated;
  } finally {
    await pg.end();
  }
}

function report(figures: FaultFigures, extra: Record<string, unknown> = {}): void {
  console.log(`recovery figures: ${JSON.stringify({ ...figures, ...extra }, null, 2)}`);
}

describe('recovery under a steady checkout load (npm start, HTTP only)', () => {
  let stack: FullStack;
  let shop: Shop;
  let admin: string;
  let productId: string;
  let customers: Customer[];

  beforeAll(async () => {
    // the clients all come from 127.0.0.1: the per-address budget would be the bottleneck
    stack = await FullStack.start({
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        // a placement the crash interrupted is given up (its stock released) sooner than the
        // default 30 s, so that the last test waits less for the stock to add up
        ORDER_PLACEMENT_TIMEOUT_SECONDS: '10',
      },
    });
    shop = new Shop(stack);
    admin = await shop.admin();
    const product = await expectCall<{ id: string }>(
      201,
      'POST',
      shop.url('product', '/products'),
      {
        token: admin,
        body: {
          name: 'Recovery load',
          price: 9.99,
          stock_quantity: INITIAL_STOCK,
          category: 'load',
        },
      },
    );
    productId = product.body.id;
    customers = [];
    for (let i = 0; i < CLIENTS; i += 1) customers.push(await shop.customer());
    // up to 10 min waiting for the full-stack suite's stack to stop first, then the start
  }, 20 * MINUTE);

  afterAll(async () => {
    await stack?.ensureRunning('order').catch(() => undefined);
    await stack?.close();
  }, 3 * MINUTE);

  async function warmLoad(): Promise<CheckoutLoad> {
    const load = new CheckoutLoad(shop, customers, productId);
    load.start();
    await sleep(WARM_UP_MS);
    return load;
  }

  /** Every approved payment of the flows' orders was answered 201 aprobado to its client. */
  async function approvalsAnsweredAsFailures(flows: Flow[]): Promise<string[]> {
    const wrong: string[] = [];
    for (const flow of flows.filter((f) => f.orderId)) {
      const res = await expectCall<{ items: Array<{ id: string; status: string }> }>(
        200,
        'GET',
        shop.url('payment', `/payments?order_id=${flow.orderId}`),
        { token: admin },
      );
      for (const payment of res.body.items.filter((p) => p.status === 'aprobado')) {
        if (!flow.paid.some((p) => p.id === payment.id && p.status === 'aprobado')) {
          wrong.push(`${payment.id} (order ${flow.orderId}: ${flow.failure ?? 'answered'})`);
        }
      }
    }
    return wrong;
  }

  it(
    'a database blip (every connection of order_db and payment_db terminated): no 500, no approval answered as a failure, error-free within seconds',
    () =>
      stack.withLog(async () => {
        const load = await warmLoad();
        const databases = [`${stack.dbPrefix}order_db`, `${stack.dbPrefix}payment_db`];
        let terminated = 0;
        let blips = 0;
        const blipAt = Date.now();
        let lastBlipAt = blipAt;
        let hit: Record<string, number> = {};
        try {
          // once, and again (up to BLIPS_AT_MOST) until both services were hit inside a request
          while (blips < BLIPS_AT_MOST && !(hit.order && hit.payment)) {
            lastBlipAt = Date.now();
            terminated += await terminateConnections(databases);
            blips += 1;
            await sleep(BLIP_EVERY_MS);
            hit = connectionLossesLogged(stack.logFile, blipAt);
          }
          await sleep(OBSERVE_MS);
        } finally {
          await load.stop();
        }

        const figures = faultFigures('database blip', load, blipAt, lastBlipAt);
        const touched = load.flows.filter((f) => (f.endedAt ?? Infinity) > blipAt - 2_000);
        const wrong = await approvalsAnsweredAsFailures(touched);
        report(figures, {
          blips,
          connectionsTerminated: terminated,
          connectionLossesLoggedByService: connectionLossesLogged(stack.logFile, blipAt),
          approvedAnsweredAsFailure: wrong.length,
        });
        // the blips must have hit requests in flight, or this proves nothing
        expect(Object.keys(hit).length).toBeGreaterThan(0);
        expect(terminated).toBeGreaterThan(0);
        expect(figures.internalErrors).toBe(0);
        expect(wrong).toEqual([]);
        expect(figures.failedFlows).toEqual([]);
        expect(figures.secondsToErrorFree).toBeLessThanOrEqual(5);
      }),
    5 * MINUTE,
  );

  it(
    'a crash (order service SIGKILLed, restarted): checkouts succeed again within 5 s of it being healthy, no 500, no cart stuck',
    () =>
      stack.withLog(async () => {
        const load = await warmLoad();
        const orderDb = await connectTo(`${stack.dbPrefix}order_db`);
        let killAt = 0;
        let healthyAt = 0;
        let leftBehind: { keys: string[]; claimed: string[] };
        try {
          // kill it while it holds an Idempotency-Key (a placement in flight), if that comes soon
          await untilInFlight(orderDb, 5_000);
          killAt = Date.now();
          await stack.stopService('order', 'SIGKILL');
          leftBehind = await heldBy(orderDb);
          await sleep(RESTART_AFTER_MS);
          await stack.startService('order');
          healthyAt = Date.now();
          await sleep(OBSERVE_MS);
        } finally {
          await load.stop();
          await stack.ensureRunning('order');
        }
        // what the dead process held was taken over: no key still in flight under its lease, no
        // message it had claimed left undelivered
        const stillHeld = await heldBy(orderDb);
        const keysNotTakenOver = leftBehind.keys.filter((k) => stillHeld.keys.includes(k));
        const undelivered = (
          await orderDb.query<{ id: string }>(
            `SELECT id FROM outbox_messages WHERE id = ANY($1) AND status <> 'delivered'`,
            [leftBehind.claimed],
          )
        ).rows;
        await orderDb.end();

        const figures = faultFigures('order service SIGKILL', load, killAt, healthyAt);
        // the deliveries of the orders paid around the crash: created within seconds
        const paidAround = load.flows.filter(
          (f) =>
            f.paid.length > 0 &&
            f.paid[0].at >= killAt - 2_000 &&
            f.paid[0].at <= healthyAt + 3_000,
        );
        let latestDelivery = 0;
        for (const flow of paidAround) {
          const [delivery] = await eventually(
            `the delivery of order ${flow.orderId}`,
            () => shop.deliveriesOf(admin, flow.orderId!),
            (d) => d.length > 0,
            90_000,
          );
          const createdAt = Date.parse((delivery as Delivery & { created_at: string }).created_at);
          latestDelivery = Math.max(
            latestDelivery,
            createdAt - Math.max(flow.paid[0].at, healthyAt),
          );
        }
        report(figures, {
          downSeconds: Math.round((healthyAt - killAt) / 100) / 10,
          idempotencyKeysInFlightAtTheKill: leftBehind.keys.length,
          outboxMessagesClaimedAtTheKill: leftBehind.claimed.length,
          ordersPaidAroundTheCrash: paidAround.length,
          latestDeliverySecondsAfterPaidOrHealthy: Math.round(latestDelivery / 100) / 10,
        });
        expect(figures.internalErrors).toBe(0);
        expect(figures.failedFlows).toEqual([]);
        expect(figures.secondsToErrorFree).toBeLessThanOrEqual(5);
        expect(figures.longestFlowAfter).toBeLessThanOrEqual(6); // no cart stuck
        expect(keysNotTakenOver).toEqual([]);
        expect(undelivered).toEqual([]);
        expect(latestDelivery).toBeLessThanOrEqual(10_000);
      }),
    6 * MINUTE,
  );

  it(
    'a crash of the product service (SIGKILLed, restarted): checkouts succeed again within 5 s of it being healthy, no 500',
    () =>
      stack.withLog(async () => {
        const load = await warmLoad();
        const killAt = Date.now();
        let healthyAt: number;
        try {
          await stack.stopService('product', 'SIGKILL');
          await sleep(RESTART_AFTER_MS);
          await stack.startService('product');
          healthyAt = Date.now();
          await sleep(OBSERVE_MS);
        } finally {
          await load.stop();
          await stack.ensureRunning('product');
        }
        const figures = faultFigures('product service SIGKILL', load, killAt, healthyAt);
        report(figures, { downSeconds: Math.round((healthyAt - killAt) / 100) / 10 });
        expect(figures.internalErrors).toBe(0);
        expect(figures.failedFlows).toEqual([]);
        expect(figures.secondsToErrorFree).toBeLessThanOrEqual(5);
      }),
    6 * MINUTE,
  );

  it(
    'after the three faults, no stock leaked: initial − current stock = units of the orders that exist and are not cancelled',
    () =>
      stack.withLog(async () => {
        const ledger = await StockLedger.open(stack);
        try {
          const initial = new Map([[productId, INITIAL_STOCK]]);
          const settledAt = Date.now();
          // placements the crash interrupted are released by the order's recovery pass
          const [balance] = await eventually(
            'the stock adding up to the orders',
            () => ledger.conservation(initial),
            ([b]) => b.initial - b.current === b.ordered,
            90_000,
          ).catch(async (error: Error) => {
            const orphans = await ledger.reservedWithoutOrder([productId]);
            throw new Error(
              `${error.message}; reservations without an order: ${JSON.stringify(orphans)}`,
            );
          });
          const orphans = await ledger.reservedWithoutOrder([productId]);
          console.log(
            `recovery figures: ${JSON.stringify({
              fault: 'stock after the database blip and the order and product crashes',
              unitsTaken: balance.initial - balance.current,
              unitsOfLiveOrders: balance.ordered,
              unitsLeaked: balance.initial - balance.current - balance.ordered,
              reservationsWithoutOrder: orphans.length,
              secondsToSettle: Math.round((Date.now() - settledAt) / 100) / 10,
            })}`,
          );
          expect(balance.initial - balance.current).toBe(balance.ordered);
          expect(orphans).toEqual([]);
        } finally {
          await ledger.close();
        }
      }),
    3 * MINUTE,
  );
});
