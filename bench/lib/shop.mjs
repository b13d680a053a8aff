// The shop side of the checkout bench, over HTTP on the services' own ports: the customers and
// products made before measuring, one checkout flow, and how long the saga takes afterwards
// until each paid order is `pagada` with a delivery.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export const ADDRESS = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postal_code: '28013',
  country: 'ES',
};
const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2099, cvc: '123' };

export const STEPS = ['cart', 'item', 'checkout', 'pay'];

const api = (urls, service, path) => `${urls[service]}/api/v1${path}`;

/**
 * Sends until a 2xx, waiting out 429 (Retry-After) and a busy password hasher; anything else
 * throws. For the set-up only: registrations and logins hash passwords, which the user service
 * bounds (PASSWORD_HASH_CONCURRENCY, AUTH_RATE_LIMIT_PER_MINUTE).
 */
async function setupCall(client, method, url, options, what) {
  for (let attempt = 0; ; attempt += 1) {
    const res = await client.request(method, url, { timeoutMs: 60_000, ...options });
    if (res.status >= 200 && res.status < 300) return res.body;
    if ((res.status === 429 || res.status === 503 || res.status === 0) && attempt < 60) {
      const wait = Number(res.headers['retry-after']);
      await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 30) * 1000 : 1000);
      continue;
    }
    throw new Error(`${what}: ${method} ${url} answered ${res.status}: ${brief(res.body)}`);
  }
}

export const brief = (body) =>
  (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 400);

export async function login(client, urls, email, password) {
  const body = await setupCall(
    client,
    'POST',
    api(urls, 'user', '/auth/login'),
    { body: { email, password } },
    'login',
  );
  return body.access_token;
}

/** Registers and logs in one customer through `client` (its own source address). */
export async function createCustomer(client, urls, n) {
  const email = `bench-${process.pid}-${n}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `Bench-${randomUUID()}`;
  const created = await setupCall(
    client,
    'POST',
    api(urls, 'user', '/users'),
    { body: { name: `Bench customer ${n}`, email, password } },
    'registration',
  );
  return {
    id: created.id,
    email,
    password,
    token: await login(client, urls, email, password),
    loggedInAt: Date.now(),
  };
}

/** Products with the most stock the catalog accepts (1,000,000 each), made by the admin. */
export async function createProducts(client, urls, adminToken, count) {
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    const body = await setupCall(
      client,
      'POST',
      api(urls, 'product', '/products'),
      {
        token: adminToken,
        body: {
          name: `Bench product ${i + 1}`,
          description: 'Made by npm run bench -- --scenario checkout.',
          price: 10 + i + 0.99,
          stock_quantity: 1_000_000,
          category: 'bench',
        },
      },
      'product',
    );
    ids.push(body.id);
  }
  return ids;
}

/**
 * One checkout: open cart → add one item → check out with a shipping address → pay with an
 * Idempotency-Key and the approving test card. Each step's status and time go to `record`;
 * the flow stops at the first answer that is not 2xx (or a payment not `aprobado`).
 * @returns {Promise<{ok: boolean, orderId?: string, paidAt?: number}>}
 */
export async function checkoutFlow(client, urls, customer, productId, record) {
  const step = async (name, method, url, options) => {
    const t0 = performance.now();
    const res = await client.request(method, url, { token: customer.token, ...options });
    const ms = performance.now() - t0;
    const ok = res.status >= 200 && res.status < 300;
    record(name, ms, res.status, ok ? undefined : res.body);
    return ok ? res.body : undefined;
  };
  const checkout = (name, cartId) =>
    step(name, 'POST', api(urls, 'cart', `/carts/${cartId}/checkout`), {
      body: { shipping_address: ADDRESS },
    });
  // A checkout that failed (503: the order service did not answer in time) leaves the cart
  // pending until the checkout is repeated, as its 409 says: finish it first, as a client would
  // (a separate step, its errors counted too; the order it gives is left unpaid).
  if (customer.pendingCart) {
    if (!(await checkout('checkout again', customer.pendingCart))) return { ok: false };
    customer.pendingCart = undefined;
  }
  const cart = await step('cart', 'POST', api(urls, 'cart', '/carts'));
  if (!cart) return { ok: false };
  const item = await step('item', 'POST', api(urls, 'cart', `/carts/${cart.id}/items`), {
    body: { product_id: productId, quantity: 1 },
  });
  if (!item) return { ok: false };
  const order = await checkout('checkout', cart.id);
  if (!order) {
    customer.pendingCart = cart.id;
    return { ok: false };
  }
  const payment = await step('pay', 'POST', api(urls, 'payment', '/payments/process'), {
    headers: { 'idempotency-key': `bench-${randomUUID()}` },
    body: { order_id: order.id, amount: order.total, payment_method: 'credit_card', card: CARD },
  });
  if (!payment) return { ok: false, orderId: order.id };
  if (payment.status !== 'aprobado') {
    record('pay', 0, 'not-approved', payment);
    return { ok: false, orderId: order.id };
  }
  return { ok: true, orderId: order.id, paidAt: Date.now() };
}

/** Every item of an admin listing newer than `since` (pages of 100, newest first). */
async function listSince(client, url, adminToken, since) {
  const items = [];
  for (let offset = 0; ; offset += 100) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.request('GET', `${url}${sep}limit=100&offset=${offset}`, {
      token: adminToken,
    });
    if (res.status !== 200)
      throw new Error(`GET ${url} answered ${res.status}: ${brief(res.body)}`);
    items.push(...res.body.items);
    const last = res.body.items.at(-1);
    if (res.body.items.length < 100 || !last || Date.parse(last.created_at) < since) return items;
  }
}

/**
 * After a level: waits (at most `timeoutMs`) until every order paid during it is `pagada` with a
 * delivery, reading the admin listings of orders and deliveries (outside the measured window),
 * and gives each order's time from the payment's 201 to the later of its `pagada` (the order's
 * updated_at: nothing changes a paid order until it ships) and its delivery's created_at.
 * @param {Map<string, number>} paid order id → when its payment answered 201 (ms since epoch)
 */
export async function sagaTimes(client, urls, adminToken, paid, since, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  const done = new Map();
  for (;;) {
    const [orders, deliveries] = await Promise.all([
      listSince(client, api(urls, 'order', '/orders?status=pagada'), adminToken, since - 60_000),
      listSince(client, api(urls, 'delivery', '/deliveries'), adminToken, since - 60_000),
    ]);
    const deliveredAt = new Map(deliveries.map((d) => [d.order_id, Date.parse(d.created_at)]));
    for (const o of orders) {
      const at = paid.get(o.id);
      if (at === undefined || done.has(o.id) || !deliveredAt.has(o.id)) continue;
      done.set(o.id, (Math.max(Date.parse(o.updated_at), deliveredAt.get(o.id)) - at) / 1000);
    }
    if (done.size >= paid.size || Date.now() > deadline) break;
    await sleep(1000);
  }
  return { seconds: [...done.values()], missing: paid.size - done.size };
}
