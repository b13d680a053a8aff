// Closed-loop clients placing orders straight at the order service (POST /orders), until told to
// stop: the load a crash is injected under.
import { Customer, Product, call } from '../support/http';

export interface LoadResult {
  /** answers by HTTP status (0: no answer, e.g. the service was down) */
  statuses: Record<number, number>;
  /** orders answered 201 */
  created: string[];
}

export class PlacementLoad {
  private stopped = false;
  private readonly loops: Array<Promise<void>> = [];
  readonly result: LoadResult = { statuses: {}, created: [] };

  constructor(
    private readonly orderUrl: string,
    private readonly customers: Customer[],
    private readonly products: Product[],
  ) {}

  /** Starts `clients` loops, each placing one order after the other. */
  start(clients: number): this {
    for (let i = 0; i < clients; i += 1) this.loops.push(this.loop(i));
    return this;
  }

  async stop(): Promise<LoadResult> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.result;
  }

  get placed(): number {
    return Object.values(this.result.statuses).reduce((a, b) => a + b, 0);
  }

  private async loop(client: number): Promise<void> {
    const who = this.customers[client % this.customers.length];
    let n = client;
    while (!this.stopped) {
      n += 1;
      // one or two lines, 1-3 units each, over the test's products
      const first = this.products[n % this.products.length];
      const second = this.products[(n + 1) % this.products.length];
      const items = [{ product_id: first.id, quantity: 1 + (n % 3) }];
      if (n % 2 === 0) items.push({ product_id: second.id, quantity: 1 });
      const res = await call<{ id: string }>('POST', `${this.orderUrl}/api/v1/orders`, {
        token: who.token,
        body: { user_id: who.id, items },
        timeoutMs: 20_000,
      });
      this.result.statuses[res.status] = (this.result.statuses[res.status] ?? 0) + 1;
      if (res.status === 201) this.result.created.push(res.body.id);
      // a service that is down answers at once: do not spin
      if (res.status === 0 || res.status >= 500) await new Promise((r) => setTimeout(r, 100));
    }
  }
}
