// HTTP only: what a client of the platform sees (fetch, JSON in and out), plus polling.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnv } from 'node:util';
import { FullStack, ROOT } from './stack';

/** A JSON body as the tests read it (the tests name the fields they use). */
export type Json = Record<string, unknown>;

export interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One request; never throws for an HTTP status (a refused connection is status 0). */
export async function call<T = Json>(
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    'x-request-id': `full-stack-${randomUUID()}`,
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: res.status, body: body as T, headers: res.headers };
  } catch (err) {
    return { status: 0, body: String((err as Error).cause ?? err) as T, headers: new Headers() };
  }
}

/** Like call(), but any other status than `expected` throws with the answer in the message. */
export async function expectCall<T = Json>(
  expected: number,
  method: string,
  url: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const answer = await call<T>(method, url, options);
  if (answer.status !== expected) {
    throw new Error(
      `${method} ${url} answered ${answer.status}, expected ${expected}: ${JSON.stringify(answer.body).slice(0, 1500)}`,
    );
  }
  return answer;
}

/**
 * Polls `probe` until `accept` holds (backing off from 200 ms to 1 s), at most `timeoutMs`;
 * returns the accepted value or throws with the last one.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not reached within ${timeoutMs / 1000} s; last value ${JSON.stringify(last)}${lastError ? `, last error ${String(lastError)}` : ''}`,
      );
    }
    await sleep(delay);
    delay = Math.min(1000, delay * 2);
  }
}

export const ADDRESS = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postal_code: '28013',
  country: 'ES',
};

export const CARDS = {
  approves: '4242424242424242',
  declines: '4000000000000002',
};

export interface Customer {
  id: string;
  email: string;
  token: string;
}

export interface Product {
  id: string;
  name: string;
  price: number;
  stock_quantity: number;
}

export interface Order {
  id: string;
  user_id: string;
  status: string;
  total: number;
  items: Array<{ product_id: string; quantity: number; price: number }>;
}

export interface OrderEvent {
  type: string;
  status: string;
  cause: string;
  payment_id: string | null;
  delivery_id: string | null;
  message_id: string | null;
}

export interface Payment {
  id: string;
  order_id: string;
  status: string;
  card_last4: string | null;
  failure_reason: string | null;
}

export interface Delivery {
  id: string;
  order_id: string;
  status: string;
  tracking_number: string;
}

export interface OutboxMessage {
  id: string;
  type: string;
  aggregate_id: string;
  destination: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

interface Page<T> {
  items: T[];
  total: number;
}

/** A variable as `npm start` sees it: the environment, else `.env`, else `.env.example`. */
function configValue(name: string): string | undefined {
  if (process.env[name]) return process.env[name];
  for (const file of ['.env', '.env.example']) {
    const full = path.join(ROOT, file);
    if (!existsSync(full)) continue;
    const value = parseEnv(readFileSync(full, 'utf8'))[name];
    if (value) return value;
  }
  return undefined;
}

const api = (stack: FullStack, service: keyof FullStack['urls'], path: string) =>
  `${stack.urls[service]}/api/v1${path}`;

/** The platform's client-side steps, over HTTP, against one stack. */
export class Shop {
  constructor(readonly stack: FullStack) {}

  url(service: keyof FullStack['urls'], path: string): string {
    return api(this.stack, service, path);
  }

  async login(email: string, password: string): Promise<string> {
    const res = await expectCall<{ access_token: string }>(
      200,
      'POST',
      this.url('user', '/auth/login'),
      {
        body: { email, password },
      },
    );
    return res.body.access_token;
  }

  async customer(): Promise<Customer> {
    const email = `fs-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}@example.com`;
    const password = `Full-stack-${randomUUID()}`;
    const created = await expectCall<{ id: string }>(201, 'POST', this.url('user', '/users'), {
      body: { name: 'Full Stack', email, password },
    });
    return { id: created.body.id, email, token: await this.login(email, password) };
  }

  /** The initial admin, as the launcher creates it (environment, else .env, else .env.example). */
  async admin(): Promise<string> {
    return this.login(
      configValue('ADMIN_EMAIL') || 'admin@example.com',
      configValue('ADMIN_PASSWORD') || 'change-me-admin-password',
    );
  }

  /** The catalog's products with the most stock (the seed has about twenty). */
  async products(count: number): Promise<Product[]> {
    const res = await expectCall<{ items: Product[] }>(
      200,
      'GET',
      this.url('product', '/products?limit=100'),
    );
    const products = [...res.body.items].sort(
      (a, b) => b.stock_quantity - a.stock_quantity || a.id.localeCompare(b.id),
    );
    if (products.length < count) throw new Error(`the catalog has ${products.length} products`);
    return products.slice(0, count);
  }

  async stock(ids: string[]): Promise<number[]> {
    return Promise.all(
      ids.map(async (id) => {
        const res = await expectCall<Product>(200, 'GET', this.url('product', `/products/${id}`));
        return res.body.stock_quantity;
      }),
    );
  }

  /** Cart → items → checkout (with a shipping address unless `address` is null). */
  async placeOrder(
    who: Customer,
    lines: Array<{ product_id: string; quantity: number }>,
    address: typeof ADDRESS | null = ADDRESS,
  ): Promise<Order> {
    const cart = await call<{ id: string }>('POST', this.url('cart', '/carts'), {
      token: who.token,
    });
    if (cart.status !== 201 && cart.status !== 200) {
      throw new Error(`POST /carts answered ${cart.status}: ${JSON.stringify(cart.body)}`);
    }
    for (const line of lines) {
      await expectCall(200, 'POST', this.url('cart', `/carts/${cart.body.id}/items`), {
        token: who.token,
        body: line,
      });
    }
    const order = await expectCall<Order>(
      201,
      'POST',
      this.url('cart', `/carts/${cart.body.id}/checkout`),
      { token: who.token, body: address ? { shipping_address: address } : {} },
    );
    return order.body;
  }

  pay(who: Customer, order: Order, card = CARDS.approves, headers?: Record<string, string>) {
    return call<Payment>('POST', this.url('payment', '/payments/process'), {
      token: who.token,
      headers,
      body: {
        order_id: order.id,
        amount: order.total,
        payment_method: 'credit_card',
        card: {
          number: card,
          exp_month: 12,
          exp_year: new Date().getUTCFullYear() + 3,
          cvc: '123',
        },
      },
      timeoutMs: 60_000,
    });
  }

  /**
   * A new customer buys one unit of a product and pays; resolves once the saga has run: the
   * order `pagada` with exactly one delivery (the run modes' suites take this one flow through).
   */
  async buyAndAwaitDelivery(
    convergeMs: number,
  ): Promise<{ who: Customer; order: Order; payment: Payment; delivery: Delivery }> {
    const [product] = await this.products(1);
    const who = await this.customer();
    const order = await this.placeOrder(who, [{ product_id: product.id, quantity: 1 }]);
    const paid = await this.pay(who, order);
    if (paid.status !== 201 || paid.body.status !== 'aprobado') {
      throw new Error(`the payment answered ${paid.status}: ${JSON.stringify(paid.body)}`);
    }
    await eventually(
      'order pagada',
      () => this.order(who, order.id),
      (o) => o.status === 'pagada',
      convergeMs,
    );
    const [delivery] = await eventually(
      'the delivery of the order',
      () => this.deliveriesOf(who, order.id),
      (d) => d.length === 1,
      convergeMs,
    );
    return { who, order, payment: paid.body, delivery };
  }

  async order(who: Customer | string, id: string): Promise<Order> {
    const token = typeof who === 'string' ? who : who.token;
    return (await expectCall<Order>(200, 'GET', this.url('order', `/orders/${id}`), { token }))
      .body;
  }

  async orderEvents(who: Customer, id: string): Promise<OrderEvent[]> {
    return (
      await expectCall<OrderEvent[]>(200, 'GET', this.url('order', `/orders/${id}/events`), {
        token: who.token,
      })
    ).body;
  }

  async deliveriesOf(who: Customer | string, orderId: string): Promise<Delivery[]> {
    const token = typeof who === 'string' ? who : who.token;
    const res = await expectCall<Page<Delivery>>(
      200,
      'GET',
      this.url('delivery', `/deliveries?order_id=${orderId}`),
      {
        token,
      },
    );
    return res.body.items;
  }

  async paymentsOf(who: Customer, orderId: string): Promise<Payment[]> {
    const res = await expectCall<Page<Payment>>(
      200,
      'GET',
      this.url('payment', `/payments?order_id=${orderId}`),
      {
        token: who.token,
      },
    );
    return res.body.items;
  }

  /** Every message of a service's outbox (admin endpoint of the platform, pages of 100). */
  async outboxMessages(
    service: 'order' | 'payment' | 'delivery' | 'product',
    adminToken: string,
    status?: 'pending' | 'delivered' | 'dead',
  ): Promise<OutboxMessage[]> {
    const all: OutboxMessage[] = [];
    for (let offset = 0; ; offset += 100) {
      const query = `?limit=100&offset=${offset}${status ? `&status=${status}` : ''}`;
      const res = await expectCall<Page<OutboxMessage>>(
        200,
        'GET',
        this.url(service, `/admin/outbox${query}`),
        { token: adminToken },
      );
      all.push(...res.body.items);
      if (res.body.items.length < 100 || all.length >= res.body.total) return all;
    }
  }

  /** A service's outbox messages about one order, newest first (admin endpoint of the platform). */
  async outbox(
    service: 'order' | 'payment' | 'delivery',
    adminToken: string,
    orderId: string,
    status?: 'pending' | 'delivered' | 'dead',
  ): Promise<OutboxMessage[]> {
    const query = `?limit=100${status ? `&status=${status}` : ''}`;
    const res = await expectCall<Page<OutboxMessage>>(
      200,
      'GET',
      this.url(service, `/admin/outbox${query}`),
      { token: adminToken },
    );
    return res.body.items.filter((m) => m.aggregate_id === orderId);
  }
}
