// Many whole flows at once against a full stack, over HTTP only: customers place an order and
// pay it at a steady pace, and a watch records when each order has become pagada with its
// delivery (what the events do behind the synchronous API). For the outage suites: what was in
// flight at a given moment, and how long everything took to converge afterwards.
import { setTimeout as sleep } from 'node:timers/promises';
import { Customer, Json, Order, Product, Shop, expectCall } from './http';

export interface Flow {
  index: number;
  /** flows start in bursts: the number of its burst */
  burst: number;
  customer: Customer;
  lines: Array<{ product_id: string; quantity: number }>;
  startedAt: number;
  order?: Order;
  /** when the payment answered aprobado */
  paidAt?: number;
  /** when the watch first saw the order pagada with a delivery */
  convergedAt?: number;
  /** an HTTP step that did not answer as it should (the broker is no part of them) */
  failure?: string;
}

/** The lines of the n-th flow: two products taken in turn, 1 and 1-2 units. */
function linesOf(index: number, products: Product[]) {
  const a = products[index % products.length];
  const b = products[(index + 1) % products.length];
  return [
    { product_id: a.id, quantity: 1 },
    { product_id: b.id, quantity: 1 + (index % 2) },
  ];
}

/**
 * Starts `burst` flows (place order → pay) at once every `intervalMs`, until stopped or out of
 * customers (one each: a customer has one open cart).
 */
export class FlowLoad {
  readonly flows: Flow[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private loop?: Promise<void>;
  private burstSize = 1;
  private halfPaidWaiters: Array<() => void> = [];

  constructor(
    private readonly shop: Shop,
    private readonly customers: Customer[],
    private readonly products: Product[],
  ) {}

  start(intervalMs: number, burst: number): void {
    this.burstSize = burst;
    this.loop = (async () => {
      for (let b = 0; this.flows.length < this.customers.length && !this.stopped; b += 1) {
        for (let k = 0; k < burst && this.flows.length < this.customers.length; k += 1) {
          const i = this.flows.length;
          const flow: Flow = {
            index: i,
            burst: b,
            customer: this.customers[i],
            lines: linesOf(i, this.products),
            startedAt: Date.now(),
          };
          this.flows.push(flow);
          const run = this.run(flow).finally(() => this.running.delete(run));
          this.running.add(run);
        }
        await sleep(intervalMs);
      }
    })();
  }

  /**
   * Resolves the next time half of a burst has paid: its other half is still placing or paying,
   * and the paid half's events are on their way. The moment to cut something.
   */
  nextHalfPaidBurst(): Promise<void> {
    return new Promise((resolve) => this.halfPaidWaiters.push(resolve));
  }

  /** Starts no more flows; resolves once every started one has paid (or failed). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all([...this.running]);
  }

  private async run(flow: Flow): Promise<void> {
    try {
      flow.order = await this.shop.placeOrder(flow.customer, flow.lines);
      const paid = await this.shop.pay(flow.customer, flow.order);
      if (paid.status !== 201 || paid.body.status !== 'aprobado') {
        throw new Error(`payment answered ${paid.status} ${JSON.stringify(paid.body)}`);
      }
      flow.paidAt = Date.now();
      const paidInBurst = this.flows.filter((f) => f.burst === flow.burst && f.paidAt).length;
      if (paidInBurst === Math.ceil(this.burstSize / 2)) {
        for (const resolve of this.halfPaidWaiters.splice(0)) resolve();
      }
    } catch (error) {
      flow.failure = (error as Error).message.slice(0, 500);
    }
  }
}

/** What a flow ended with, counted: more than one of anything means it was applied twice. */
export async function flowOutcome(shop: Shop, admin: string, flow: Flow) {
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

/** Every item of an admin listing (pages of 100). */
async function everything<T>(shop: Shop, admin: string, url: string): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await expectCall<{ items: T[]; total: number }>(
      200,
      'GET',
      `${url}${url.includes('?') ? '&' : '?'}limit=100&offset=${offset}`,
      { token: admin },
    );
    items.push(...page.body.items);
    if (page.body.items.length < 100 || items.length >= page.body.total) return items;
  }
}

/**
 * Polls the admin listings (two requests a round, whatever the number of flows) and stamps each
 * flow's convergence: its order pagada and at least one delivery for it.
 */
export class ConvergenceWatch {
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly shop: Shop,
    private readonly admin: string,
    private readonly flows: Flow[],
  ) {}

  async poll(): Promise<void> {
    const open = this.flows.filter((f) => f.order && !f.convergedAt);
    if (open.length === 0) return;
    const [paid, deliveries] = await Promise.all([
      everything<Order>(this.shop, this.admin, this.shop.url('order', '/orders?status=pagada')),
      everything<Json>(this.shop, this.admin, this.shop.url('delivery', '/deliveries')),
    ]);
    const now = Date.now();
    const pagada = new Set(paid.map((o) => o.id));
    const delivered = new Set(deliveries.map((d) => String(d.order_id)));
    for (const flow of open) {
      if (pagada.has(flow.order!.id) && delivered.has(flow.order!.id)) flow.convergedAt = now;
    }
  }

  start(intervalMs: number): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.poll().catch(() => undefined); // the next round tries again
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /**
   * Flows started before `at` that have not converged yet, polled now. Called right after a cut
   * no event moves any more, so it is what was in flight at the cut (at least: a handler under
   * way at the cut may still have committed).
   */
  async inFlightSince(at: number): Promise<Flow[]> {
    await this.poll();
    return this.flows.filter((f) => f.startedAt < at && !f.convergedAt);
  }
}
