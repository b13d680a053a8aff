// Two processes of every service (`npm start -- --replicas 2`: a node:cluster primary per
// service hands each connection of its SPEC port to one of its two workers), their shared state
// in Redis, against the same checks a single process passes:
// - the whole flow, cancellation and refund included (a charge made through one payment
//   replica is refunded through the other);
// - 36 concurrent orders for 5 units: exactly 5; 8 concurrent payments of one order: exactly one
//   approved;
// - the per-client rate limit counts across replicas: the 1,201st request in a minute is 429,
//   whichever replica gets it (and both replicas served the first 1,200);
// - one replica of each service SIGKILLed under a checkout load: replaced by its primary, no
//   500, every acknowledged checkout and payment kept, every event delivered (each paid order
//   has its delivery and its `paid` history entry, no outbox message left pending or dead), no
//   stock leaked.
// Each prints its figures. Slow: a stack of 21 processes to start, then a minute of load.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../scripts/lib/proc.mjs';
import { CheckoutLoad } from '../recovery/checkout-load';
import { faultFigures } from '../recovery/fault-figures';
import { flowOutcome } from '../support/flow-load';
import { Customer, Order, Payment, Shop, eventually, expectCall } from '../support/http';
import { FullStack, SERVICE_NAMES } from '../support/stack';
import { StockLedger } from '../support/stock-ledger';

const MINUTE = 60_000;
const REPLICAS = 2;
/** SPEC default: 1,200 requests per IP per minute on each service */
const RATE_LIMIT = 1_200;
const LOAD_CLIENTS = 8;
const LOAD_STOCK = 1_000_000;

/** The worker processes a cluster primary runs now (its children, from /proc). */
function workersOf(primary: number): number[] {
  try {
    return readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter(isAlive);
  } catch {
    return [];
  }
}

/** CPU time a process has used, in clock ticks (utime + stime from /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * One GET on a new connection (so the primary hands each request to the next worker), from
 * `localAddress` (a client of its own for the per-IP limit): its status, and for anything but a
 * 200 the problem's code (or the client error, status 0), so that a failure says where it came
 * from.
 */
function answerFrom(localAddress: string, url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, localAddress, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 200) return resolve('200');
        let code: string;
        try {
          code = String((JSON.parse(body) as { code?: unknown }).code ?? '');
        } catch {
          code = 'not JSON';
        }
        resolve(`${res.statusCode} ${code}`);
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`0 ${error.code ?? error.message}`));
  });
}

/** answerFrom's status alone. */
async function getFrom(localAddress: string, url: string): Promise<number> {
  return Number((await answerFrom(localAddress, url)).split(' ')[0]);
}

/** One GET on a new connection; its body. */
function textOf(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 10_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

/** The value of one sample of the Prometheus text (0 when absent). */
function sample(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('two replicas of every service (npm start -- --replicas 2, state shared in Redis)', () => {
  let stack: FullStack;
  let shop: Shop;
  let admin: string;

  beforeAll(async () => {
    stack = await FullStack.start({
      replicas: REPLICAS,
      env: { ORDER_PLACEMENT_TIMEOUT_SECONDS: '10' },
    });
    shop = new Shop(stack);
    admin = await shop.admin();
  }, 20 * MINUTE);

  afterAll(async () => {
    await stack?.close();
  }, 3 * MINUTE);

  /** One after another: registrations hash passwords, and the platform refuses a crowd of them. */
  async function newCustomers(count: number): Promise<Customer[]> {
    const customers: Customer[] = [];
    for (let i = 0; i < count; i += 1) customers.push(await shop.customer());
    return customers;
  }

  async function newProduct(stock: number, price = 12.5): Promise<string> {
    const res = await expectCall<{ id: string }>(201, 'POST', shop.url('product', '/products'), {
      token: admin,
      body: {
        name: `Replicas ${randomUUID().slice(0, 8)}`,
        price,
        stock_quantity: stock,
        category: 'replicas',
      },
    });
    return res.body.id;
  }

  it('every service runs as two worker processes behind its one port', () => {
    for (const name of SERVICE_NAMES) {
      const primary = stack.processOf[name]!;
      const workers = stack.replicaPids[name] ?? [];
      expect({ name, workers: workers.length }).toEqual({ name, workers: REPLICAS });
      expect(workers.every(isAlive)).toBe(true);
      expect(workersOf(primary).sort()).toEqual([...workers].sort());
    }
  });

  it(
    'the whole flow: order paid with one delivery; cancelled, refunded through either payment replica',
    () =>
      stack.withLog(async () => {
        const [product] = await shop.products(1);
        const paidOnes: Array<{ who: Customer; order: Order; payment: Payment }> = [];
        // several orders, so that charge and refund fall on different replicas
        for (let i = 0; i < 6; i += 1) {
          const who = await shop.customer();
          const order = await shop.placeOrder(who, [{ product_id: product.id, quantity: 1 }]);
          const paid = await shop.pay(who, order);
          expect(paid.status).toBe(201);
          expect(paid.body.status).toBe('aprobado');
          paidOnes.push({ who, order, payment: paid.body });
        }
        for (const { who, order } of paidOnes) {
          await eventually(
            `order ${order.id} pagada`,
            () => shop.order(who, order.id),
            (o) => o.status === 'pagada',
            30_000,
          );
          await eventually(
            `the delivery of ${order.id}`,
            () => shop.deliveriesOf(who, order.id),
            (d) => d.length === 1,
            30_000,
          );
        }
        for (const { who, order } of paidOnes) {
          await expectCall(200, 'POST', shop.url('order', `/orders/${order.id}/cancel`), {
            token: who.token,
          });
        }
        for (const { who, order, payment } of paidOnes) {
          const payments = await eventually(
            `payment ${payment.id} reembolsado`,
            () => shop.paymentsOf(who, order.id),
            (ps) => ps.some((p) => p.id === payment.id && p.status === 'reembolsado'),
            60_000,
          );
          expect(payments.find((p) => p.id === payment.id)?.status).toBe('reembolsado');
        }
      }),
    5 * MINUTE,
  );

  it(
    '36 concurrent orders for 5 units: exactly 5 placed, the stock at 0',
    () =>
      stack.withLog(async () => {
        const productId = await newProduct(5);
        const customers = await newCustomers(36);
        const outcomes = await Promise.all(
          customers.map((who) =>
            shop.placeOrder(who, [{ product_id: productId, quantity: 1 }]).then(
              () => 'placed',
              (err: Error) =>
                /answered 409|, got 409/.test(err.message) ? 'refused' : err.message,
            ),
          ),
        );
        const placed = outcomes.filter((o) => o === 'placed').length;
        console.log(
          `replica figures: ${JSON.stringify({ case: '36 orders for 5 units', placed, outcomes: [...new Set(outcomes)] })}`,
        );
        expect(outcomes.filter((o) => o !== 'placed' && o !== 'refused')).toEqual([]);
        expect(placed).toBe(5);
        expect(await shop.stock([productId])).toEqual([0]);
      }),
    5 * MINUTE,
  );

  it(
    '8 concurrent payments of one order: exactly one approved, the order paid once',
    () =>
      stack.withLog(async () => {
        const productId = await newProduct(100);
        const who = await shop.customer();
        const order = await shop.placeOrder(who, [{ product_id: productId, quantity: 2 }]);
        const answers = await Promise.all(Array.from({ length: 8 }, () => shop.pay(who, order)));
        const statuses = answers.map((a) => a.status);
        const approved = answers.filter((a) => a.status === 201 && a.body.status === 'aprobado');
        console.log(
          `replica figures: ${JSON.stringify({ case: '8 payments of one order', statuses })}`,
        );
        expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
        expect(approved).toHaveLength(1);
        const payments = await shop.paymentsOf(who, order.id);
        expect(payments.filter((p) => p.status === 'aprobado')).toHaveLength(1);
        await eventually(
          `order ${order.id} pagada`,
          () => shop.order(who, order.id),
          (o) => o.status === 'pagada',
          30_000,
        );
        const history = await shop.orderEvents(who, order.id);
        expect(history.filter((e) => e.type === 'paid')).toHaveLength(1);
      }),
    3 * MINUTE,
  );

  it(
    'the per-client rate limit is shared: the 1,201st request in a minute is 429, whichever replica gets it',
    () =>
      stack.withLog(async () => {
        const productId = await newProduct(1);
        const url = `${shop.url('product', `/products/${productId}`)}`;
        // a client address of its own (the suite's other requests come from 127.0.0.1)
        const client = `127.0.${1 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`;
        const workers = workersOf(stack.processOf.product!);
        const before = workers.map(cpuTicks);
        const answers: string[] = [];
        for (let sent = 0; sent < RATE_LIMIT; sent += 20) {
          answers.push(
            ...(await Promise.all(Array.from({ length: 20 }, () => answerFrom(client, url)))),
          );
        }
        const after = workers.map(cpuTicks);
        const next = await Promise.all(Array.from({ length: 4 }, () => getFrom(client, url)));
        const cpuPerWorker = after.map((t, i) => t - before[i]);
        console.log(
          `replica figures: ${JSON.stringify({ case: 'shared rate limit', client, ok: answers.filter((a) => a === '200').length, next, cpuTicksPerWorker: cpuPerWorker })}`,
        );
        expect(answers.filter((a) => a !== '200')).toEqual([]);
        expect(next).toEqual([429, 429, 429, 429]);
        // both workers served a share of the 1,200 (each would allow 1,200 by itself)
        expect(Math.min(...cpuPerWorker)).toBeGreaterThan(10);
      }),
    5 * MINUTE,
  );

  it(
    '/metrics answers for the whole service: every scrape, whichever worker gets it, counts the requests of both',
    () =>
      stack.withLog(async () => {
        const route = 'route="/api/v1/products/:id",status_code="404"';
        const scrape = () => textOf(`${stack.urls.product}/metrics`);
        const before = sample(await scrape(), 'http_requests_total', route);
        const missing = 10;
        for (let i = 0; i < missing; i += 1) {
          expect(await getFrom('127.0.0.1', shop.url('product', `/products/${randomUUID()}`))).toBe(
            404,
          );
        }
        // each scrape on a new connection: the primary hands them to the workers in turn
        const seen = [];
        for (let i = 0; i < 4; i += 1)
          seen.push(sample(await scrape(), 'http_requests_total', route));
        console.log(
          `replica figures: ${JSON.stringify({ case: 'metrics of both workers', before, seen })}`,
        );
        expect(seen).toEqual(Array.from({ length: 4 }, () => before + missing));
      }),
    2 * MINUTE,
  );

  it(
    'one replica of each service SIGKILLed under a checkout load: replaced, no 500, nothing acknowledged lost, every event delivered, no stock leaked',
    () =>
      stack.withLog(async () => {
        const productId = await newProduct(LOAD_STOCK, 3.5);
        const customers = await newCustomers(LOAD_CLIENTS);
        // 8 clients × 3 cart requests per 1.5 s: 960 a minute, under the 1,200 per IP this
        // suite keeps for its rate-limit case (every load client is 127.0.0.1)
        const load = new CheckoutLoad(shop, customers, productId, { minFlowMs: 1_500 });
        load.start();
        await sleep(5_000);
        const killAt = Date.now();
        const killed: Record<string, number> = {};
        try {
          for (const name of SERVICE_NAMES) {
            const [victim] = workersOf(stack.processOf[name]!);
            process.kill(victim, 'SIGKILL');
            killed[name] = victim;
            await sleep(700);
          }
          await sleep(12_000);
        } finally {
          await load.stop();
        }
        const figures = faultFigures('one replica of each service SIGKILLed', load, killAt, killAt);

        // each primary replaced its dead worker
        const replaced: Record<string, number[]> = {};
        for (const name of SERVICE_NAMES) {
          const [workers] = await eventually(
            `${name} back to ${REPLICAS} workers`,
            async () => [workersOf(stack.processOf[name]!)],
            ([w]) => w.length === REPLICAS && !w.includes(killed[name]),
            30_000,
          );
          replaced[name] = workers;
        }

        // every acknowledged payment: its order paid once, with its delivery and history
        const paidFlows = load.flows.filter((f) => f.paid.some((p) => p.status === 'aprobado'));
        const byCustomer = new Map(customers.map((c, i) => [i, c]));
        const wrong: unknown[] = [];
        for (const flow of paidFlows) {
          const who = byCustomer.get(flow.client)!;
          await eventually(
            `order ${flow.orderId} delivered`,
            () => shop.deliveriesOf(who, flow.orderId!),
            (d) => d.length > 0,
            90_000,
          );
          const outcome = await flowOutcome(shop, admin, {
            index: flow.client,
            customer: who,
            order: { id: flow.orderId! } as Order,
          } as Parameters<typeof flowOutcome>[2]);
          if (
            outcome.status !== 'pagada' ||
            outcome.deliveries.length !== 1 ||
            outcome.paidEvents !== 1 ||
            outcome.approved !== 1
          ) {
            wrong.push({ order: flow.orderId, ...outcome });
          }
        }
        // no event left behind: nothing pending for long, nothing dead, in any outbox
        const producers = ['order', 'payment', 'delivery', 'product'] as const;
        const [pending] = await eventually(
          'every outbox drained',
          async () => [
            await Promise.all(producers.map((s) => shop.outboxMessages(s, admin, 'pending'))),
          ],
          ([p]) => p.every((m) => m.length === 0),
          60_000,
        );
        const dead = await Promise.all(producers.map((s) => shop.outboxMessages(s, admin, 'dead')));
        const ledger = await StockLedger.open(stack);
        let balance;
        try {
          [[balance]] = await eventually(
            'the stock adding up to the orders',
            async () => [await ledger.conservation(new Map([[productId, LOAD_STOCK]]))],
            ([[b]]) => b.initial - b.current === b.ordered,
            90_000,
          );
        } finally {
          await ledger.close();
        }
        console.log(
          `replica figures: ${JSON.stringify(
            {
              case: 'SIGKILL of one replica of each service under load',
              ...figures,
              killed,
              replaced,
              flowsPaid: paidFlows.length,
              paidButIncomplete: wrong.length,
              unitsTaken: balance.initial - balance.current,
              unitsOfLiveOrders: balance.ordered,
            },
            null,
            2,
          )}`,
        );
        expect(figures.internalErrors).toBe(0);
        expect(figures.failedFlows).toEqual([]);
        expect(paidFlows.length).toBeGreaterThan(LOAD_CLIENTS);
        expect(wrong).toEqual([]);
        expect(pending.flat()).toEqual([]);
        expect(dead.flat()).toEqual([]);
        expect(balance.initial - balance.current).toBe(balance.ordered);
      }),
    8 * MINUTE,
  );
});

describe('four replicas of the user service started at once on a fresh database', () => {
  it(
    'apply the migrations once, make one signing key and one initial admin',
    async () => {
      const stack = await FullStack.start({
        replicas: 4,
        // no migrate or seed step first: the four replicas do it all as they start, together
        env: { ONLY_SERVICES: 'user', SEED: 'false' },
      });
      try {
        const workers = stack.replicaPids.user ?? [];
        expect(workers).toHaveLength(4);
        const { Client } = await import('pg');
        const url = new URL(process.env.POSTGRES_URL!);
        url.pathname = `/${stack.dbPrefix}user_db`;
        const db = new Client({ connectionString: url.toString() });
        await db.connect();
        try {
          // one key pair made: the key that signs (current) and the one published ahead (next)
          const keys = await db.query<{ status: string; n: number }>(
            'SELECT status, count(*)::int AS n FROM signing_keys GROUP BY status ORDER BY status',
          );
          const admins = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM users WHERE role = 'admin'`,
          );
          const migrations = await db.query<{ name: string; n: number }>(
            'SELECT name, count(*)::int AS n FROM migrations GROUP BY name HAVING count(*) > 1',
          );
          const applied = await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM migrations',
          );
          console.log(
            `replica figures: ${JSON.stringify({ case: '4 user replicas at once', signingKeys: keys.rows, admins: admins.rows[0].n, migrationsApplied: applied.rows[0].n, readySeconds: stack.readyInSeconds })}`,
          );
          expect(keys.rows).toEqual([
            { status: 'current', n: 1 },
            { status: 'next', n: 1 },
          ]);
          expect(admins.rows[0].n).toBe(1);
          expect(migrations.rows).toEqual([]);
          expect(applied.rows[0].n).toBeGreaterThan(0);
        } finally {
          await db.end();
        }
        // every replica signs with that one key: logins through each of them carry one kid
        const shop = new Shop(stack);
        const kids = new Set<string>();
        for (let i = 0; i < 8; i += 1) {
          const [header] = (await shop.admin()).split('.');
          kids.add(
            (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid,
          );
        }
        expect(kids.size).toBe(1);
      } finally {
        await stack.close();
      }
    },
    15 * MINUTE,
  );
});
