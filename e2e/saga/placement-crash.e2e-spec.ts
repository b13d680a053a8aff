// The placement saga under crashes, with the platform as `npm start` runs it (real processes,
// real PostgreSQL): 16 clients place orders straight at the order service while
// - the ORDER service is SIGKILLed mid-placement (reservations made, orders not stored yet);
// - the PRODUCT service is SIGKILLed after committing reservations it had not answered yet, and
//   stays down for a while (the order service's compensations cannot reach it).
// Each is restarted; once the platform settles, stock is conserved: for every product,
// initial − current stock = units of the orders that exist and are not cancelled, and no
// reservation holds stock without an order (docs/saga.md).
//
// The order service reaches the product service through a TcpProxy that holds every answer
// 250 ms: at any moment of the load, reservations are committed whose answer the order service
// has not seen yet. That is the window a crash must hit; each test measures that it did (the
// reservations without an order right after the kill) and tries again, up to three rounds, if
// a kill happened to miss it. No fault-injection hook in the services.
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '@app/testing';
import { PlacementLoad } from './placement-load';
import { Conservation, Reservation, StockLedger } from '../support/stock-ledger';
import { Customer, Product, Shop, eventually, expectCall } from '../support/http';
import { FullStack } from '../support/stack';

const MINUTE = 60_000;
const CLIENTS = 16;
const PLACEMENT_TIMEOUT_SECONDS = 6;

interface Figures {
  fault: string;
  rounds: number;
  answers: Record<number, number>;
  placementsInFlight: number;
  reservationsWithoutOrder: number;
  unitsReservedWithoutOrder: number;
  unitsLeaked: number;
  secondsToSettle: number;
}

describe('placement saga: SIGKILL of the order or the product service mid-placement leaks no stock', () => {
  let stack: FullStack;
  let shop: Shop;
  let ledger: StockLedger;
  let proxy: TcpProxy;
  let customers: Customer[];
  let products: Product[];
  const initial = new Map<string, number>();
  const ids = () => products.map((p) => p.id);

  /** The order service, started (again) with its calls to the product service through the proxy. */
  const startOrderThroughProxy = () =>
    stack.startService('order', { PRODUCT_SERVICE_URL: `http://127.0.0.1:${proxy.port}` });

  beforeAll(async () => {
    stack = await FullStack.start({
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        ORDER_PLACEMENT_TIMEOUT_SECONDS: String(PLACEMENT_TIMEOUT_SECONDS),
        ORDER_PLACEMENT_RECOVERY_INTERVAL_MS: '1000',
        // the order service's breaker towards a restarted product service probes within a second
        UPSTREAM_BREAKER_HALF_OPEN_MS: '1000',
      },
    });
    shop = new Shop(stack);
    const admin = await shop.admin();
    products = [];
    for (let i = 0; i < 3; i += 1) {
      const created = await expectCall<Product>(201, 'POST', shop.url('product', '/products'), {
        token: admin,
        body: {
          name: `Saga crash ${i}`,
          price: 4.5 + i,
          stock_quantity: 100_000,
          category: 'saga-crash',
        },
      });
      products.push(created.body);
      initial.set(created.body.id, created.body.stock_quantity);
    }
    customers = [];
    for (let i = 0; i < 4; i += 1) customers.push(await shop.customer());
    proxy = await TcpProxy.start(
      { host: '127.0.0.1', port: Number(new URL(stack.urls.product).port) },
      { delayToClientMs: 250 },
    );
    await stack.stopService('order');
    await startOrderThroughProxy();
    ledger = await StockLedger.open(stack);
  }, 10 * MINUTE);

  afterAll(async () => {
    await ledger?.close();
    await proxy?.stop();
    await stack?.close();
  }, 3 * MINUTE);

  /** The load in full swing: a few seconds of it, and placements answered. */
  async function loadInFullSwing(): Promise<PlacementLoad> {
    const load = new PlacementLoad(stack.urls.order, customers, products).start(CLIENTS);
    await sleep(2000);
    await eventually(
      'placements answered under load',
      () => Promise.resolve(load.result.created.length),
      (n) => n >= 20,
      MINUTE,
    );
    return load;
  }

  /** Waits until no reservation lacks its order and no placement is left; the seconds it took. */
  async function settle(): Promise<number> {
    const started = Date.now();
    await eventually(
      'every reservation without an order released, every placement gone',
      async () => ({
        orphans: await ledger.reservedWithoutOrder(ids()),
        placements: await ledger.placements(),
      }),
      (s) => s.orphans.length === 0 && s.placements.length === 0,
      2 * MINUTE,
    );
    return (Date.now() - started) / 1000;
  }

  async function expectConservation(): Promise<number> {
    const rows: Conservation[] = await ledger.conservation(initial);
    expect(rows).toHaveLength(products.length);
    for (const row of rows) expect(row.initial - row.current).toBe(row.ordered);
    expect(await ledger.ordersWithoutReservation(ids())).toEqual([]);
    // leaked = taken from the shelf with no live order behind it
    return rows.reduce((sum, r) => sum + (r.initial - r.current - r.ordered), 0);
  }

  const units = (reservations: Reservation[]) => reservations.reduce((s, r) => s + r.units, 0);

  function report(figures: Figures): void {
    // the note of issue 12 quotes these
    console.log(`placement crash figures ${JSON.stringify(figures)}`);
  }

  it(
    'SIGKILL of the order service between reservations and commits: recovery releases them after the placement timeout',
    () =>
      stack.withLog(async () => {
        let orphans: Reservation[] = [];
        let inFlight = 0;
        let answers: Record<number, number> = {};
        let rounds = 0;
        while (rounds < 3 && orphans.length === 0) {
          rounds += 1;
          const load = await loadInFullSwing();
          await stack.stopService('order', 'SIGKILL');
          answers = (await load.stop()).statuses;
          await sleep(1000); // what the product service was still asked for has landed
          inFlight = (await ledger.placements()).length;
          orphans = await ledger.reservedWithoutOrder(ids());
          await startOrderThroughProxy();
        }
        // the kill hit the window: stock reserved for placements that never stored their order
        expect(orphans.length).toBeGreaterThan(0);
        expect(inFlight).toBeGreaterThanOrEqual(orphans.length);

        const secondsToSettle = await settle();
        const leaked = await expectConservation();
        expect(leaked).toBe(0);
        report({
          fault: 'SIGKILL order mid-placement',
          rounds,
          answers,
          placementsInFlight: inFlight,
          reservationsWithoutOrder: orphans.length,
          unitsReservedWithoutOrder: units(orphans),
          unitsLeaked: leaked,
          secondsToSettle,
        });
      }),
    10 * MINUTE,
  );

  it(
    'SIGKILL of the product service after committing reservations it had not answered: the releases wait for it, then land',
    () =>
      stack.withLog(async () => {
        let orphans: Reservation[] = [];
        let waiting: Array<{ order_id: string; state: string }> = [];
        let answers: Record<number, number> = {};
        let rounds = 0;
        while (rounds < 3 && orphans.length === 0) {
          rounds += 1;
          const load = await loadInFullSwing();
          await stack.stopService('product', 'SIGKILL');
          // the order service's placements in flight fail (503) and cannot release: down
          await sleep(1500);
          answers = (await load.stop()).statuses;
          orphans = await ledger.reservedWithoutOrder(ids());
          waiting = await ledger.placements();
          if (orphans.length === 0) await stack.startService('product');
        }
        expect(orphans.length).toBeGreaterThan(0);
        // every orphan's compensation is recorded, none lost while the product service is down
        const recorded = new Set(waiting.map((p) => p.order_id));
        for (const orphan of orphans) expect(recorded.has(orphan.order_id)).toBe(true);
        // several recovery passes fail meanwhile: the placements stay
        await sleep(3000);
        const stillWaiting = new Set((await ledger.placements()).map((p) => p.order_id));
        for (const orphan of orphans) expect(stillWaiting.has(orphan.order_id)).toBe(true);

        await stack.startService('product');
        const secondsToSettle = await settle();
        const leaked = await expectConservation();
        expect(leaked).toBe(0);
        report({
          fault: 'SIGKILL product after committing reservations, down 4.5 s',
          rounds,
          answers,
          placementsInFlight: waiting.length,
          reservationsWithoutOrder: orphans.length,
          unitsReservedWithoutOrder: units(orphans),
          unitsLeaked: leaked,
          secondsToSettle,
        });
      }),
    10 * MINUTE,
  );
});
