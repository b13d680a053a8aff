import { randomUUID } from 'node:crypto';
import { FUZZ_ADMIN, FuzzPlatform, ServiceName } from './fuzz-platform';
import { send } from './raw-http';

export const ADDRESS = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postal_code: '28013',
  country: 'ES',
};
const GOOD_CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };

/** Real records the fuzzed requests can name, so path and body ids reach the business code. */
export interface Fixtures {
  productId: string;
  /** owner of the cart and the orders; the customer token of most operations */
  customer: { id: string; email: string; password: string };
  /** the user whom /users/{id} operations change and delete (the customer keeps working) */
  victim: { id: string; email: string; password: string };
  cartId: string;
  /** `creada`, unpaid: payments, validation and cancellation can still act on it */
  openOrder: { id: string; total: number };
  /** paid, with a payment and a delivery */
  paidOrderId: string;
  paymentId: string;
  deliveryId: string;
  trackingNumber: string;
  /** one outbox message id per service that has an outbox */
  outboxIds: Partial<Record<ServiceName, string>>;
}

async function call(
  platform: FuzzPlatform,
  service: ServiceName,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(platform.url(service), {
    method,
    path,
    headers,
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(
      `fixture ${service} ${method} ${path}: ${res.status} ${res.text.slice(0, 500)}`,
    );
  }
  return JSON.parse(res.text) as Record<string, unknown>;
}

/**
 * The id of the user service's initial admin (logged in once): admin tokens minted for it are
 * accepted by the user service too, which checks a token against its own user rows.
 */
export async function initialAdminId(platform: FuzzPlatform): Promise<string> {
  const { access_token: token } = await call(
    platform,
    'user',
    'POST',
    '/api/v1/auth/login',
    undefined,
    FUZZ_ADMIN,
  );
  const payload = JSON.parse(
    Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'),
  ) as { sub: string };
  return payload.sub;
}

async function register(platform: FuzzPlatform, name: string) {
  const email = `${name}-${randomUUID()}@example.com`;
  const password = 'correct horse battery staple';
  const user = await call(platform, 'user', 'POST', '/api/v1/users', undefined, {
    name,
    email,
    password,
  });
  return { id: user.id as string, email, password };
}

export async function createFixtures(platform: FuzzPlatform, admin: string): Promise<Fixtures> {
  const product = await call(platform, 'product', 'POST', '/api/v1/products', admin, {
    name: 'Fuzz lamp',
    description: 'A lamp the fuzzer orders',
    price: 19.99,
    stock_quantity: 1_000_000,
    category: 'fuzz',
  });
  const productId = product.id as string;
  const customer = await register(platform, 'Ada');
  const victim = await register(platform, 'Grace');
  const token = await platform.issuer.customer(customer.id);

  const cart = await call(platform, 'cart', 'POST', '/api/v1/carts', token);
  const cartId = cart.id as string;
  await call(platform, 'cart', 'POST', `/api/v1/carts/${cartId}/items`, token, {
    product_id: productId,
    quantity: 2,
  });

  const placeOrder = () =>
    call(platform, 'order', 'POST', '/api/v1/orders', token, {
      user_id: customer.id,
      items: [{ product_id: productId, quantity: 1 }],
      shipping_address: ADDRESS,
    });
  const open = await placeOrder();
  const paid = await placeOrder();
  const payment = await call(platform, 'payment', 'POST', '/api/v1/payments/process', token, {
    order_id: paid.id,
    amount: paid.total,
    payment_method: 'credit_card',
    card: GOOD_CARD,
  });
  // payment.approved → order pagada → order.paid → a delivery
  await platform.drain();
  const deliveries = await call(
    platform,
    'delivery',
    'GET',
    `/api/v1/deliveries?order_id=${paid.id as string}`,
    admin,
  );
  const [delivery] = deliveries.items as Array<{ id: string; tracking_number: string }>;
  if (!delivery) throw new Error('fixture: the paid order got no delivery');

  const outboxIds: Fixtures['outboxIds'] = {};
  for (const service of ['order', 'payment', 'delivery'] as const) {
    const page = await call(platform, service, 'GET', '/api/v1/admin/outbox?limit=1', admin);
    const [first] = page.items as Array<{ id: string }>;
    if (first) outboxIds[service] = first.id;
  }

  return {
    productId,
    customer,
    victim,
    cartId,
    openOrder: { id: open.id as string, total: open.total as number },
    paidOrderId: paid.id as string,
    paymentId: payment.id as string,
    deliveryId: delivery.id,
    trackingNumber: delivery.tracking_number,
    outboxIds,
  };
}
