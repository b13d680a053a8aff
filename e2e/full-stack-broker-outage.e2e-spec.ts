// The whole platform as `npm start` runs it, its events on RabbitMQ, and the broker taken away
// from every service at once while customers place and pay orders. The services reach RabbitMQ
// through a local TCP proxy that the test controls; four outages, flows starting all along (the
// synchronous API needs no broker: the events wait in the outboxes):
// 1. a cut (connections dropped, new ones refused) while half a burst of flows has paid;
// 2. a cut once the first one's backlog is moving, when the next burst is half paid;
// 3. a short silent outage (nothing passes, nothing is closed), shorter than two heartbeats:
//    nobody notices; publishes time out and the outboxes send them again, and the frozen
//    copies still reach the broker afterwards: duplicates for the consumers' inboxes;
// 4. a silent outage that lasts until every service has noticed it by its own heartbeats.
// Afterwards every flow must converge: order pagada, exactly one delivery, one `paid` event,
// one approved payment, nothing pending in an outbox or a queue, no dead letter, stock taken
// once. The figures (flows in flight at each outage, converged, lost, doubled, timings) are
// printed and written to .data/e2e/broker-outage-figures.json.
// Always RabbitMQ: the broker of the whole-flow suites (AMQP_URL) if set, else AMQP_TEST_URL
// (default the machine's, guest/guest on 5672); none answering fails the suite.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalogueSubscriptions } from '@app/platform';
import { AMQP_TEST_URL, TcpProxy, requireBroker } from '@app/testing';
import { brokerClients, outageSeenInLog } from './support/broker-connection-log';
import { brokerBacklog, brokerDeadLetters, tapEvents } from './support/broker-under-test';
import { ConvergenceWatch, Flow, FlowLoad, flowOutcome } from './support/flow-load';
import { Customer, Product, Shop, eventually, expectCall } from './support/http';
import { FullStack, ROOT } from './support/stack';

const MINUTE = 60_000;
const BROKER = process.env.AMQP_URL || AMQP_TEST_URL;
/** at most this many flows, one customer each (a customer has one open cart) */
const CUSTOMERS = 100;
/** flows start in bursts, so that an outage finds several in flight at different steps */
const BURST = 4;
const BURST_INTERVAL_MS = 2000;

interface OutagePlan {
  kind: 'cut' | 'freeze';
  /** when it starts */
  after: 'half a burst paid' | 'backlog moving, half a burst paid';
  /** how long it lasts: a fixed time, or until every service noticed it (at most 30 s) */
  ms: number | 'until noticed';
}
const OUTAGES: OutagePlan[] = [
  { kind: 'cut', after: 'half a burst paid', ms: 7000 },
  { kind: 'cut', after: 'backlog moving, half a burst paid', ms: 4000 },
  // the services' heartbeat is 5 s: a silence is noticed after two to three of them
  { kind: 'freeze', after: 'half a burst paid', ms: 4000 },
  { kind: 'freeze', after: 'half a burst paid', ms: 'until noticed' },
];
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

/** Polls `done` every 100 ms (fine enough to time a reconnection), at most `timeoutMs`. */
async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
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

interface Outage extends OutagePlan {
  at: number;
  restoredAt: number;
  inFlight: Flow[];
  seen: ReturnType<typeof outageSeenInLog>;
}

describe('full stack on RabbitMQ: the broker taken from every service mid-flow, four times', () => {
  let proxy: TcpProxy;
  let stack: FullStack;
  let shop: Shop;
  let admin: string;
  let products: Product[];
  let customers: Customer[];
  let load: FlowLoad | undefined;
  let watch: ConvergenceWatch | undefined;
  let tap: Awaited<ReturnType<typeof tapEvents>> | undefined;

  beforeAll(async () => {
    await requireBroker(BROKER);
    const target = new URL(BROKER);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5672) });
    stack = await FullStack.start({
      broker: { url: proxy.rewrite(BROKER), direct: BROKER },
      env: {
        // shorter than the outages: publishes made during one fail and the outbox retries them
        // (its backoff path); those made in its last 2.5 s wait for the reconnection
        AMQP_PUBLISH_TIMEOUT_MS: '2500',
        // a hundred customers from one address: the limits are not what this suite is about
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
    await tap?.close();
    await proxy?.restore(); // the services close their broker connections cleanly
    let leftovers: number[] = [];
    if (stack) {
      leftovers = (await stack.shutdown()).leftovers;
      await stack.dropDatabases(); // and the stack's queues and exchange, on the broker itself
    }
    await proxy?.stop();
    if (leftovers.length) throw new Error(`processes left behind: ${leftovers.join(', ')}`);
  }, 3 * MINUTE);

  it(
    'customers place and pay orders through four broker outages: every flow converges, none lost, none applied twice',
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

  /** Waits for the moment `plan.after` says, then takes the broker away and gives it back. */
  async function outage(plan: OutagePlan, previous: Outage | undefined): Promise<Outage> {
    if (plan.after === 'half a burst paid') {
      // half of it paid (their events on their way), the other half still paying
      await withTimeout(load!.nextHalfPaidBurst(), MINUTE, 'half a burst paid');
    } else {
      // a flow converged since the last restore (relays publishing what waited, consumers busy),
      // and a burst half paid: the backlog alone can drain between two polls on a fast platform,
      // and then the cut found nothing in flight
      const since = previous?.restoredAt ?? 0;
      const deadline = Date.now() + MINUTE;
      do {
        await withTimeout(load!.nextHalfPaidBurst(), MINUTE, 'half a burst paid');
        if (Date.now() > deadline) throw new Error('nothing converged within a minute');
      } while (!load!.flows.some((f) => (f.convergedAt ?? 0) > since));
    }
    const at = Date.now();
    if (plan.kind === 'cut') await proxy.cut();
    else proxy.freeze();
    const inFlight = await watch!.inFlightSince(at);
    if (plan.ms === 'until noticed') {
      const clients = brokerClients(stack.logFile);
      await waitFor(
        () => outageSeenInLog(stack.logFile, at, Infinity).noticedBy.length === clients.length,
        30_000,
        `every service (${clients.join(', ')}) noticing the silent broker`,
      );
      await sleep(1000); // and a moment in which each of them tries to connect again
    } else {
      await sleep(plan.ms); // the outage itself: a fixed length is the point
    }
    await proxy.restore();
    const restoredAt = Date.now();
    await waitFor(
      () => outageSeenInLog(stack.logFile, at, restoredAt).allReconnected,
      MINUTE,
      'every service that lost the broker connected again',
    );
    return {
      ...plan,
      at,
      restoredAt,
      inFlight,
      seen: outageSeenInLog(stack.logFile, at, restoredAt),
    };
  }

  async function scenario() {
    const initialStock = await shop.stock(products.map((p) => p.id));
    const clients = brokerClients(stack.logFile);
    tap = await tapEvents(stack.dbPrefix, BROKER);
    load = new FlowLoad(shop, customers, products);
    watch = new ConvergenceWatch(shop, admin, load.flows);
    const began = Date.now();
    watch.start(250);
    load.start(BURST_INTERVAL_MS, BURST);
    const outages: Outage[] = [];
    for (const plan of OUTAGES) outages.push(await outage(plan, outages.at(-1)));
    const lastRestore = outages.at(-1)!.restoredAt;
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
        pending: (
          await Promise.all(PRODUCERS.map((s) => shop.outboxMessages(s, admin, 'pending')))
        ).flat().length,
        backlog: await brokerBacklog(stack.dbPrefix, BROKER),
      }),
      (q) => q.pending === 0 && q.backlog === 0,
      CONVERGE_MS,
    ).catch((err: Error) => err.message);

    const outcomes = await inBatches(placed, 8, (flow) => flowOutcome(shop, admin, flow));
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
    const messages = (
      await Promise.all(PRODUCERS.map((s) => shop.outboxMessages(s, admin)))
    ).flat();
    const deadInOutboxes = messages.filter((m) => m.status === 'dead');
    // every event of every outbox reached the broker (the tap has them all, some more than once)
    const tapped = await eventually(
      'every event seen on the exchange',
      async () => tap!.copies,
      (copies) => copies.size >= messages.length,
      30_000,
    ).catch(() => tap!.copies);

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
      outages: outages.map((o) => ({
        kind: o.kind,
        s: seconds(o.restoredAt - o.at),
        in_flight: o.inFlight.length,
        // paid before it: payment.approved, order.paid or the delivery still on the way
        paid_in_flight: o.inFlight.filter((f) => f.paidAt && f.paidAt <= o.at).length,
        started_during: flows.filter((f) => f.startedAt >= o.at && f.startedAt < o.restoredAt)
          .length,
        noticed_by: o.seen.noticedBy.length,
        noticed_s: seconds(o.seen.noticedMs),
        reconnected_s: seconds(o.seen.reconnectMs),
      })),
      converged: converged.length,
      lost,
      doubled: doubled.length,
      converged_s_after_last_restore: seconds(Math.max(0, convergedAt - lastRestore)),
      load_to_converged_s: seconds(convergedAt - began),
      outbox_messages: messages.length,
      publish_retries: messages.reduce((sum, m) => sum + Math.max(0, m.attempts - 1), 0),
      // what the inboxes had to absorb: events the broker routed more than once, and deliveries
      // whose acknowledgement was lost with the connection (delivered again)
      events_on_exchange: tapped.size,
      events_routed_twice: [...tapped.values()].filter((n) => n > 1).length,
      deliveries_unsettled: logCount(stack, 'could not settle an event'),
      dead_letters: deadLetters.reduce((sum, d) => sum + d.count, 0) + deadInQueues,
      stock_conserved: taken.every((t, i) => t === ordered[i]),
    };
    const line = JSON.stringify(figures);
    console.log(`broker outage figures ${line}`);
    mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
    writeFileSync(FIGURES_FILE, `${line}\n`);

    expect(failed.map((f) => `flow ${f.index}: ${f.failure}`)).toEqual([]);
    // each outage hit flows in flight, events of paid orders among them, and flows kept starting
    for (const o of figures.outages) {
      expect(Math.min(o.in_flight, o.paid_in_flight, o.started_during)).toBeGreaterThan(0);
    }
    // cuts and the long silence are noticed by every service; the short silence by none
    expect(clients.length).toBeGreaterThan(0);
    expect(outages.map((o) => o.seen.noticedBy)).toEqual(
      OUTAGES.map((p) =>
        p.kind === 'freeze' && p.ms !== 'until noticed' ? [] : [...clients].sort(),
      ),
    );
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
    expect(tapped.size).toBe(messages.length);
    expect(taken).toEqual(ordered);
  }
});
