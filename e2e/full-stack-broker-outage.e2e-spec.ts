// The whole platform as `npm start` runs it, its events on RabbitMQ, and the broker taken away
// from every service at once while orders are being placed and paid: the services reach RabbitMQ
// through a local TCP proxy that the test cuts (every connection dropped, new ones refused) and
// restores, twice. Flows keep starting during the outages (the synchronous API needs no broker;
// the events wait in the outboxes). Afterwards every flow must converge: order pagada, exactly
// one delivery, one `paid` event, nothing pending in an outbox or a queue, no dead letter, stock
// taken once. The figures (flows in flight at each cut, converged, lost, doubled, timings) are
// printed and written to .data/e2e/broker-outage-figures.json.
// Always RabbitMQ: the broker of the whole-flow suites (AMQP_URL) if set, else AMQP_TEST_URL
// (default the machine's, guest/guest on 5672); none answering fails the suite.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalogueSubscriptions } from '@app/platform';
import { AMQP_TEST_URL, TcpProxy, requireBroker } from '@app/testing';
import { brokerBacklog, brokerDeadLetters } from './support/broker-under-test';
import { ConvergenceWatch, Flow, FlowLoad } from './support/flow-load';
import { Customer, OutboxMessage, Product, Shop, eventually, expectCall } from './support/http';
import { FullStack, ROOT } from './support/stack';

const MINUTE = 60_000;
const BROKER = process.env.AMQP_URL || AMQP_TEST_URL;
const CUSTOMERS = 60; // at most this many flows, one customer each (one open cart per customer)
/** flows start in bursts, so that a cut finds several in flight at different steps */
const BURST = 4;
const BURST_INTERVAL_MS = 1500;
/** the two cuts, the second one while the first one's backlog is being delivered */
const OUTAGES_MS = [7000, 4000];
/** flows keep starting this long after the last restore */
const AFTER_LAST_RESTORE_MS = 2000;
/** a loaded 2-core machine: the outbox backs off, and seven services share the cores */
const CONVERGE_MS = 150_000;
/** the services with an outbox (messaging: true) */
const PRODUCERS = ['order', 'payment', 'delivery', 'product'] as const;
const CONSUMERS = Object.keys(catalogueSubscriptions()) as Array<keyof FullStack['urls']>;
const FIGURES_FILE = path.join(ROOT, '.data', 'e2e', 'broker-outage-figures.json');

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Runs `work` over `items`, `concurrency` at a time. */
async function inBatches<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    results.push(...(await Promise.all(items.slice(i, i + concurrency).map(work))));
  }
  return results;
}

/** Polls `done` every 50 ms (fine enough to time a reconnection), at most `timeoutMs`. */
async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** How often a message occurs in the stack's log (every service's JSON lines). */
function logCount(stack: FullStack, message: string): number {
  return readFileSync(stack.logFile, 'utf8').split(message).length - 1;
}

describe('full stack on RabbitMQ: the broker cut from every service mid-flow, twice', () => {
  let proxy: TcpProxy;
  let stack: FullStack;
  let shop: Shop;
  let admin: string;
  let products: Product[];
  let customers: Customer[];
  let load: FlowLoad | undefined;
  let watch: ConvergenceWatch | undefined;

  beforeAll(async () => {
    await requireBroker(BROKER);
    const target = new URL(BROKER);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5672) });
    stack = await FullStack.start({
      broker: { url: proxy.rewrite(BROKER), direct: BROKER },
      env: {
        // shorter than the outages: publishes made during a cut fail and the outbox retries
        // them (its backoff path); those made in its last 2.5 s wait for the reconnection
        AMQP_PUBLISH_TIMEOUT_MS: '2500',
        // forty customers from one address: the limits are not what this suite is about
        RATE_LIMIT_PER_MINUTE: '100000',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        PASSWORD_SCRYPT_LOG_N: '12',
      },
    });
    shop = new Shop(stack);
    admin = await shop.admin();
    products = await shop.products(6);
    customers = await inBatches(
      Array.from({ length: CUSTOMERS }, (_, i) => i),
      4,
      () => shop.customer(),
    );
  }, 12 * MINUTE);

  afterAll(async () => {
    await watch?.stop();
    await load?.stop();
    await proxy?.restore(); // the services close their broker connections cleanly
    let leftovers: number[] = [];
    if (stack) {
      leftovers = (await stack.shutdown()).leftovers;
      await stack.dropDatabases(); // and the stack's queues and exchange, on the broker itself
    }
    await proxy?.stop();
    if (leftovers.length) throw new Error(`processes left behind: ${leftovers.join(', ')}`);
  }, 3 * MINUTE);

  /** Every outbox message of a service, any status (admin listing, pages of 100). */
  async function outbox(service: (typeof PRODUCERS)[number], status?: string) {
    const all: OutboxMessage[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await expectCall<{ items: OutboxMessage[]; total: number }>(
        200,
        'GET',
        shop.url(
          service,
          `/admin/outbox?limit=100&offset=${offset}${status ? `&status=${status}` : ''}`,
        ),
        { token: admin },
      );
      all.push(...page.body.items);
      if (page.body.items.length < 100 || all.length >= page.body.total) return all;
    }
  }

  /** What one flow ended with, counted (more than one of anything is a doubled flow). */
  async function outcome(flow: Flow) {
    const { customer: who, order } = flow;
    const [now, own, seen, history, payments] = await Promise.all([
      shop.order(who, order!.id),
      shop.deliveriesOf(who, order!.id),
      shop.deliveriesOf(admin, order!.id),
      shop.orderEvents(who, order!.id),
      shop.paymentsOf(who, order!.id),
    ]);
    return {
      index: flow.index,
      status: now.status,
      deliveries: own.map((d) => d.status),
      adminDeliveries: seen.length,
      paidEvents: history.filter((e) => e.type === 'paid').length,
      approved: payments.filter((p) => p.status === 'aprobado').length,
    };
  }

  it(
    `${CUSTOMERS} customers place and pay orders while RabbitMQ is cut from every service (${OUTAGES_MS.map((ms) => `${ms / 1000} s`).join(', then ')}): every flow converges, none lost, none doubled`,
    async () => {
      try {
        await scenario();
      } catch (err) {
        (err as Error).message += `\n--- ${stack.logFile} (tail) ---\n${stack.logTail(40)}`;
        throw err;
      }
    },
    8 * MINUTE,
  );

  interface Cut {
    at: number;
    restoredAt: number;
    inFlight: number;
    paidInFlight: number;
    reconnectMs: number;
  }

  /** Cuts the broker from every service for `ms`, restores it, waits for the reconnections. */
  async function outage(ms: number): Promise<Cut> {
    const connections = proxy.openConnections; // one per service with a broker
    const at = Date.now();
    await proxy.cut();
    const inFlight = await watch!.inFlightSince(at);
    await sleep(ms); // the outage itself: a fixed length is the point
    await proxy.restore();
    const restoredAt = Date.now();
    await waitFor(
      () => proxy.openConnections >= connections,
      MINUTE,
      'every service connected to the broker again',
    );
    return {
      at,
      restoredAt,
      inFlight: inFlight.length,
      // paid before the cut: payment.approved, order.paid or its delivery still on the way
      paidInFlight: inFlight.filter((f) => f.paidAt && f.paidAt <= at).length,
      reconnectMs: Date.now() - restoredAt,
    };
  }

  async function scenario() {
    const initialStock = await shop.stock(products.map((p) => p.id));
    load = new FlowLoad(shop, customers, products);
    watch = new ConvergenceWatch(shop, admin, load.flows);
    const began = Date.now();
    watch.start(250);
    load.start(BURST_INTERVAL_MS, BURST);

    const cuts: Cut[] = [];
    // first cut: half a burst paid (their events on their way), the other half still paying
    await withTimeout(load.nextHalfPaidBurst(), MINUTE, 'half a burst paid');
    cuts.push(await outage(OUTAGES_MS[0]));
    // second cut: as soon as the first one's backlog is being delivered (a flow converged since
    // the restore), relays still publishing it and consumers busy with it
    const deadline = Date.now() + MINUTE;
    while (!load.flows.some((f) => (f.convergedAt ?? 0) > cuts[0].restoredAt)) {
      if (Date.now() > deadline)
        throw new Error('no flow converged within a minute of the restore');
      await watch.poll();
    }
    cuts.push(await outage(OUTAGES_MS[1]));
    const lastRestore = cuts[cuts.length - 1].restoredAt;
    await sleep(Math.max(0, lastRestore + AFTER_LAST_RESTORE_MS - Date.now()));
    await load.stop();
    const flows = load.flows;
    const failed = flows.filter((f) => f.failure);

    // convergence: every paid flow pagada with a delivery (stamped by the watch)
    const placed = flows.filter((f) => f.paidAt);
    await eventually(
      'every flow converged',
      async () => placed.filter((f) => !f.convergedAt).length,
      (open) => open === 0,
      CONVERGE_MS,
    ).catch(() => undefined); // the figures say which did not
    await watch.stop();
    const convergedAt = Math.max(...placed.map((f) => f.convergedAt ?? Date.now()));

    // then nothing left anywhere: outboxes drained, queues empty
    const quiet = await eventually(
      'outboxes and queues empty',
      async () => ({
        pending: (await Promise.all(PRODUCERS.map((s) => outbox(s, 'pending')))).flat().length,
        backlog: await brokerBacklog(stack.dbPrefix, BROKER),
      }),
      (q) => q.pending === 0 && q.backlog === 0,
      CONVERGE_MS,
    ).catch((err: Error) => err.message);

    const outcomes = await inBatches(placed, 6, outcome);
    const converged = outcomes.filter(
      (o) => o.status === 'pagada' && o.deliveries.length >= 1 && o.paidEvents >= 1,
    );
    const doubled = outcomes.filter(
      (o) => o.deliveries.length > 1 || o.adminDeliveries > 1 || o.paidEvents > 1 || o.approved > 1,
    );
    const lost = placed.length - converged.length;

    const deadLetters = await Promise.all(
      CONSUMERS.map(async (service) => {
        const res = await expectCall<{ items: unknown[] }>(
          200,
          'GET',
          shop.url(service, '/admin/events/dead-letters?limit=100'),
          { token: admin },
        );
        return { service, count: res.body.items.length };
      }),
    );
    const deadInQueues = await brokerDeadLetters(stack.dbPrefix, BROKER);
    const deadInOutboxes = (await Promise.all(PRODUCERS.map((s) => outbox(s, 'dead')))).flat();
    const messages = (await Promise.all(PRODUCERS.map((s) => outbox(s)))).flat();

    const ordered = products.map((p) =>
      placed
        .flatMap((f) => f.lines)
        .filter((l) => l.product_id === p.id)
        .reduce((sum, l) => sum + l.quantity, 0),
    );
    const finalStock = await shop.stock(products.map((p) => p.id));
    const taken = initialStock.map((s, i) => s - finalStock[i]);

    const figures = {
      suite: 'e2e/full-stack-broker-outage.e2e-spec.ts',
      at: new Date().toISOString(),
      flows: flows.length,
      flows_failed_over_http: failed.length,
      in_flight_at_cut: cuts.map((c) => c.inFlight),
      paid_in_flight_at_cut: cuts.map((c) => c.paidInFlight),
      started_during_outage: cuts.map(
        (c) => flows.filter((f) => f.startedAt >= c.at && f.startedAt < c.restoredAt).length,
      ),
      outage_s: cuts.map((c) => seconds(c.restoredAt - c.at)),
      reconnect_s: cuts.map((c) => seconds(c.reconnectMs)),
      converged: converged.length,
      lost,
      doubled: doubled.length,
      converged_s_after_last_restore: seconds(Math.max(0, convergedAt - lastRestore)),
      load_to_converged_s: seconds(convergedAt - began),
      outbox_messages: messages.length,
      publish_retries: messages.reduce((sum, m) => sum + Math.max(0, m.attempts - 1), 0),
      deliveries_unsettled_at_cut: logCount(stack, 'could not settle an event'),
      broker_lost_notices: logCount(stack, 'message broker unreachable'),
      dead_letters: deadLetters.reduce((sum, d) => sum + d.count, 0) + deadInQueues,
      stock_conserved: taken.every((t, i) => t === ordered[i]),
    };
    const line = JSON.stringify(figures);
    console.log(`broker outage figures ${line}`);
    mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
    writeFileSync(FIGURES_FILE, `${line}\n`);

    expect(failed.map((f) => `flow ${f.index}: ${f.failure}`)).toEqual([]);
    // the cuts did hit flows in flight, events of paid orders among them
    expect(cuts.every((c) => c.inFlight > 0 && c.paidInFlight > 0)).toBe(true);
    expect(figures.started_during_outage.every((n) => n > 0)).toBe(true);
    expect(outcomes.filter((o) => o.status !== 'pagada' || o.deliveries.length !== 1)).toEqual([]);
    expect(lost).toBe(0);
    expect(doubled).toEqual([]);
    expect(outcomes.every((o) => o.deliveries[0] === 'pendiente' && o.adminDeliveries === 1)).toBe(
      true,
    );
    expect(quiet).toEqual({ pending: 0, backlog: 0 });
    expect(deadLetters.filter((d) => d.count > 0)).toEqual([]);
    expect(deadInQueues).toBe(0);
    expect(deadInOutboxes.map((m) => `${m.type} ${m.last_error}`)).toEqual([]);
    expect(taken).toEqual(ordered);
  }
});
