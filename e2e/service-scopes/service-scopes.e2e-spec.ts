import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EVENT_CATALOGUE, EventType } from '@app/contracts';
import {
  SERVICE_CALLERS_EXTENSION,
  SERVICE_CALLERS_LINE,
  SERVICE_NAMES,
  ServiceName,
} from '@app/platform';
import { KeyConfig, composeKeys, startKeys } from './configured-keys';
import { MATRIX_DOC, documentedMatrix, renderMatrix, writeMatrix } from './caller-matrix';
import { RouteEntry, routeTable } from './route-table';
import { KEYS, ScopedPlatform } from './scoped-platform';

/**
 * Every route that a service key opens, on every service, read from the controllers' metadata:
 * a route added tomorrow is tested by the same loops. Each is called over real HTTP with each
 * allowed caller's key, every other service's valid key (403), a wrong key and none (401), and a
 * customer's token. The caller matrix in docs/authentication.md is generated from the same
 * table: `node scripts/caller-matrix.mjs` rewrites it.
 */

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

interface Call {
  path: string;
  body?: unknown;
  /** what the allowed caller must get */
  expect: number[];
}

const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };
const WRONG_KEY = 'not-a-key-of-any-service-0001';
const UUID_PARAM = /:[A-Za-z_]+/g;
const EVENTS = '/api/v1/internal/events';

/** An integration event as its producer's relay posts it (the catalogue names the producer). */
function envelope(type: EventType, orderId: string, payload: Record<string, unknown>) {
  return {
    id: randomUUID(),
    type,
    version: EVENT_CATALOGUE[type].version,
    occurred_at: new Date().toISOString(),
    producer: EVENT_CATALOGUE[type].producer,
    subject: orderId,
    payload,
  };
}

const approved = (orderId: string) =>
  envelope('payment.approved', orderId, {
    payment_id: randomUUID(),
    order_id: orderId,
    amount: 2.5,
  });
const cancelled = (orderId: string) =>
  envelope('order.cancelled', orderId, {
    order_id: orderId,
    user_id: randomUUID(),
    cause: 'scoped test',
  });

describe('service credentials scoped per caller (e2e)', () => {
  let platform: ScopedPlatform;
  let routes: RouteEntry[];
  let scoped: RouteEntry[];
  let admin: string;
  let customer: { id: string; token: string };
  let productId: string;

  const url = (service: ServiceName, path: string) =>
    `http://127.0.0.1:${(platform.app(service).getHttpServer().address() as AddressInfo).port}${path}`;

  async function send(
    service: ServiceName,
    method: string,
    path: string,
    options: { key?: string; token?: string; body?: unknown } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.key !== undefined) headers['x-service-key'] = options.key;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const hasBody = method !== 'GET' && method !== 'DELETE';
    if (hasBody) headers['content-type'] = 'application/json';
    const res = await fetch(url(service, path), {
      method,
      headers,
      body: hasBody ? JSON.stringify(options.body ?? {}) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async function expectStatus(
    answer: Promise<Answer>,
    status: number,
  ): Promise<Record<string, unknown>> {
    const res = await answer;
    if (res.status !== status) throw new Error(`expected ${status}, got ${JSON.stringify(res)}`);
    return res.body;
  }

  async function placeOrder(): Promise<string> {
    const body = await expectStatus(
      send('order', 'POST', '/api/v1/orders', {
        token: customer.token,
        body: { user_id: customer.id, items: [{ product_id: productId, quantity: 1 }] },
      }),
      201,
    );
    return String(body.id);
  }

  const stockOf = async (id: string): Promise<number> =>
    Number(
      (await expectStatus(send('product', 'GET', `/api/v1/products/${id}`), 200)).stock_quantity,
    );

  const orderStatus = async (id: string): Promise<string> =>
    String(
      (
        await expectStatus(
          send('order', 'GET', `/api/v1/internal/orders/${id}`, { key: KEYS['order-validation'] }),
          200,
        )
      ).status,
    );

  /**
   * A request the allowed caller should get a 2xx for, per route (`METHOD path`), built fresh
   * for each call (a new order, a new message id) so that every allowed caller succeeds. A
   * route without one gets random ids and an empty body: its allowed caller must then get
   * neither 401 nor 403 (nor a 5xx), whatever the business answer.
   */
  const REQUESTS: Record<string, () => Promise<Call>> = {
    'POST /api/v1/stock/reservations': async () => ({
      path: '/api/v1/stock/reservations',
      body: { order_id: randomUUID(), items: [{ product_id: productId, quantity: 1 }] },
      expect: [201],
    }),
    'POST /api/v1/stock/reservations/:order_id/release': async () => {
      const orderId = randomUUID();
      await expectStatus(
        send('product', 'POST', '/api/v1/stock/reservations', {
          key: KEYS.order,
          body: { order_id: orderId, items: [{ product_id: productId, quantity: 1 }] },
        }),
        201,
      );
      return { path: `/api/v1/stock/reservations/${orderId}/release`, expect: [200] };
    },
    'GET /api/v1/internal/orders/:id': async () => ({
      path: `/api/v1/internal/orders/${await placeOrder()}`,
      expect: [200],
    }),
    'GET /api/v1/internal/payments': async () => ({
      path: `/api/v1/internal/payments?order_id=${randomUUID()}`,
      expect: [200],
    }),
    'GET /api/v1/internal/deliveries/by-order/:order_id': async () => {
      const orderId = randomUUID();
      await expectStatus(
        send('delivery', 'POST', EVENTS, {
          key: KEYS.order,
          body: envelope('order.paid', orderId, {
            order_id: orderId,
            user_id: customer.id,
            payment_id: randomUUID(),
            total: 2.5,
            shipping_address: ADDRESS,
          }),
        }),
        200,
      );
      return { path: `/api/v1/internal/deliveries/by-order/${orderId}`, expect: [200] };
    },
    'GET /api/v1/internal/users/:id': async () => ({
      path: `/api/v1/internal/users/${customer.id}`,
      expect: [200],
    }),
    'POST /api/v1/validations/validate': async () => ({
      path: '/api/v1/validations/validate',
      body: { order_id: await placeOrder() },
      expect: [200],
    }),
    'GET /api/v1/validations/:order_id': async () => {
      const orderId = await placeOrder();
      await expectStatus(
        send('order-validation', 'POST', '/api/v1/validations/validate', {
          key: KEYS.payment,
          body: { order_id: orderId },
        }),
        200,
      );
      return { path: `/api/v1/validations/${orderId}`, expect: [200] };
    },
  };

  /** An event `receiver` consumes, produced by `caller` (a producer posts its own events only). */
  async function eventCall(receiver: ServiceName, caller: ServiceName | undefined): Promise<Call> {
    const ok = { path: EVENTS, expect: [200] };
    switch (`${receiver} ← ${caller ?? ''}`) {
      case 'order ← payment': {
        const orderId = await placeOrder();
        const body = envelope('payment.refunded', orderId, {
          payment_id: randomUUID(),
          order_id: orderId,
          amount: 2.5,
        });
        return { ...ok, body };
      }
      case 'order ← delivery': {
        const orderId = await placeOrder();
        await expectStatus(
          send('order', 'POST', EVENTS, { key: KEYS.payment, body: approved(orderId) }),
          200,
        );
        const body = envelope('delivery.in_transit', orderId, {
          delivery_id: randomUUID(),
          order_id: orderId,
        });
        return { ...ok, body };
      }
      case 'order ← order-validation': {
        const orderId = await placeOrder();
        const body = envelope('order.validated', orderId, {
          order_id: orderId,
          valid: true,
          errors: [],
          validated_at: new Date().toISOString(),
        });
        return { ...ok, body };
      }
      case 'product ← order': {
        const orderId = randomUUID();
        await expectStatus(
          send('product', 'POST', '/api/v1/stock/reservations', {
            key: KEYS.order,
            body: { order_id: orderId, items: [{ product_id: productId, quantity: 1 }] },
          }),
          201,
        );
        return { ...ok, body: cancelled(orderId) };
      }
      case 'payment ← order':
      case 'delivery ← order':
        return { ...ok, body: cancelled(randomUUID()) };
      default:
        // another caller's key or none: the guard answers before the body is read
        return { path: EVENTS, body: cancelled(randomUUID()), expect: [] };
    }
  }

  const requestFor = (route: RouteEntry, caller?: ServiceName): Promise<Call> =>
    route.path === EVENTS
      ? eventCall(route.service, caller)
      : (REQUESTS[`${route.method} ${route.path}`]?.() ??
        Promise.resolve({
          path: route.path.replace(UUID_PARAM, () => randomUUID()),
          body: {},
          expect: [],
        }));

  const named = (route: RouteEntry) => `${route.service} ${route.method} ${route.path}`;

  const isProblem = (res: Answer, status: number) =>
    res.status === status &&
    res.contentType.startsWith('application/problem+json') &&
    res.body.status === status;

  beforeAll(async () => {
    platform = await ScopedPlatform.start();
    routes = SERVICE_NAMES.flatMap((name) => routeTable(name, platform.app(name)));
    scoped = routes.filter((route) => route.callers);
    admin = await platform.issuer.admin();
    const user = await expectStatus(
      send('user', 'POST', '/api/v1/users', {
        body: {
          name: 'Scoped',
          email: `scoped-${randomUUID()}@example.com`,
          password: 'a long enough password',
        },
      }),
      201,
    );
    customer = { id: String(user.id), token: await platform.issuer.customer(String(user.id)) };
    const product = await expectStatus(
      send('product', 'POST', '/api/v1/products', {
        token: admin,
        body: { name: `Scoped ${randomUUID()}`, price: 2.5, stock_quantity: 100000, category: 'x' },
      }),
      201,
    );
    productId = String(product.id);
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('finds the internal routes of every service, and each names its callers', () => {
    expect(scoped.length).toBeGreaterThanOrEqual(13);
    expect(new Set(scoped.map((route) => route.service))).toEqual(
      new Set(['product', 'user', 'delivery', 'cart', 'order', 'order-validation', 'payment']),
    );
    // a route under /internal/ that no service key opens would be open to anyone or no one
    const unnamed = routes.filter((route) => route.path.includes('/internal/') && !route.callers);
    expect(unnamed.map(named)).toEqual([]);
    for (const route of scoped) expect(route.callers!.length).toBeGreaterThan(0);
  });

  it('docs/authentication.md holds the caller matrix of the code', () => {
    const matrix = renderMatrix(routes);
    if (process.env.UPDATE_CALLER_MATRIX === '1') writeMatrix(matrix);
    const documented = documentedMatrix();
    if (documented !== matrix) {
      throw new Error(
        `${MATRIX_DOC}: the caller matrix differs from the code; regenerate it with ` +
          '`node scripts/caller-matrix.mjs`.\nExpected:\n' +
          matrix,
      );
    }
  });

  it('npm start and docker compose give every named caller its own key at each receiver', () => {
    for (const [setup, config] of [
      ['npm start', startKeys()],
      ['docker compose', composeKeys()],
    ] as Array<[string, Record<string, KeyConfig>]>) {
      const missing: string[] = [];
      for (const route of scoped) {
        for (const caller of route.callers!) {
          const sent = config[caller]?.own;
          const accepted = config[route.service]?.accepts[caller];
          if (!sent || sent !== accepted) {
            missing.push(`${named(route)}: ${caller} sends ${sent}, accepted ${accepted}`);
          }
        }
      }
      expect({ setup, missing }).toEqual({ setup, missing: [] });
    }
  });

  it('each operation names its callers in OpenAPI: a description line, x-service-callers, its 403', async () => {
    const problems: string[] = [];
    for (const service of new Set(scoped.map((route) => route.service))) {
      const doc = await expectStatus(send(service, 'GET', '/docs-json'), 200);
      const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
      for (const route of scoped.filter((r) => r.service === service)) {
        const openApiPath = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
        const operation = paths[openApiPath]?.[route.method.toLowerCase()];
        const line = `${SERVICE_CALLERS_LINE} ${route.callers!.join(', ')}.`;
        if (!operation) problems.push(`${named(route)}: not in /docs-json`);
        else if (
          JSON.stringify(operation[SERVICE_CALLERS_EXTENSION]) !== JSON.stringify(route.callers) ||
          !String(operation.description).includes(line) ||
          !(operation.responses as Record<string, unknown>)['403'] ||
          (operation.security as object[]).filter((entry) => 'service-key' in entry).length !== 1
        ) {
          problems.push(`${named(route)}: ${JSON.stringify(operation)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('an allowed caller’s key opens each route (the designed request succeeds)', async () => {
    const problems: string[] = [];
    for (const route of scoped) {
      for (const caller of route.callers!) {
        const call = await requestFor(route, caller);
        const res = await send(route.service, route.method, call.path, {
          key: KEYS[caller],
          body: call.body,
        });
        const ok =
          call.expect.length > 0
            ? call.expect.includes(res.status)
            : ![401, 403].includes(res.status) && res.status < 500;
        if (!ok)
          problems.push(`${named(route)} as ${caller}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every other service’s valid key is 403 problem+json', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of scoped) {
      const call = await requestFor(route);
      for (const other of SERVICE_NAMES.filter((name) => !route.callers!.includes(name))) {
        const res = await send(route.service, route.method, call.path, {
          key: KEYS[other],
          body: call.body,
        });
        checked += 1;
        if (!isProblem(res, 403)) problems.push(`${named(route)} as ${other}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(scoped.length * 3);
  });

  it('a wrong key and no key are 401 problem+json', async () => {
    const problems: string[] = [];
    for (const route of scoped) {
      const call = await requestFor(route);
      for (const key of [WRONG_KEY, KEYS.order.toUpperCase(), '', undefined]) {
        const res = await send(route.service, route.method, call.path, { key, body: call.body });
        if (!isProblem(res, 401)) problems.push(`${named(route)} with key ${key}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a customer’s token: 401 where only a service key opens the route; judged as a user elsewhere', async () => {
    const problems: string[] = [];
    for (const route of scoped) {
      const call = await requestFor(route);
      for (const token of [customer.token, admin]) {
        const res = await send(route.service, route.method, call.path, { token, body: call.body });
        const ok = route.serviceOnly ? isProblem(res, 401) : ![401, 403].includes(res.status);
        if (!ok) problems.push(`${named(route)} with a user token: ${res.status}`);
      }
      // a user token beside another service's key does not lift the 403
      const other = SERVICE_NAMES.find((name) => !route.callers!.includes(name))!;
      const both = await send(route.service, route.method, call.path, {
        key: KEYS[other],
        token: admin,
        body: call.body,
      });
      if (!isProblem(both, 403))
        problems.push(`${named(route)} as ${other} + admin: ${both.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('neither the cart’s key nor delivery’s can mark an order paid: 403, the order stays creada', async () => {
    const orderId = await placeOrder();
    // cart is no producer of anything order consumes
    const byCart = await send('order', 'POST', EVENTS, { key: KEYS.cart, body: approved(orderId) });
    expect(isProblem(byCart, 403)).toBe(true);
    // delivery may post delivery's events to the order, not payment's
    const byDelivery = await send('order', 'POST', EVENTS, {
      key: KEYS.delivery,
      body: approved(orderId),
    });
    expect(isProblem(byDelivery, 403)).toBe(true);
    expect(await orderStatus(orderId)).toBe('creada');
    // payment's key is the one that may
    await expectStatus(
      send('order', 'POST', EVENTS, { key: KEYS.payment, body: approved(orderId) }),
      200,
    );
    expect(await orderStatus(orderId)).toBe('pagada');
  });

  it('the user service’s key cannot reserve stock for an order that does not exist', async () => {
    const before = await stockOf(productId);
    const res = await send('product', 'POST', '/api/v1/stock/reservations', {
      key: KEYS.user,
      body: { order_id: randomUUID(), items: [{ product_id: productId, quantity: 5 }] },
    });
    expect(isProblem(res, 403)).toBe(true);
    expect(await stockOf(productId)).toBe(before);
  });
});
