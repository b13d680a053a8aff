import { Money, UnitOfWork } from '@app/kernel';
import { Cart, ProductSnapshot } from '../../domain/entities/cart';
import {
  CartNotFound,
  CheckoutByOwnerOnly,
  CheckoutPending,
  ProductNotFound,
} from '../../domain/errors/cart.errors';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';
import { OrderNotConfirmed, OrderRefused } from '../errors/checkout.errors';
import { OrderPlacement, OrderRequest, PlacedOrder } from '../ports/order-placement.port';
import { ProductCatalog } from '../ports/product-catalog.port';
import { AddCartItemUseCase } from './add-cart-item.use-case';
import { CheckOutCartUseCase } from './check-out-cart.use-case';

/** Stores copies, as a database would: a change is visible only once saved. */
class FakeCarts extends CartRepository {
  rows = new Map<string, Cart>();
  saves = 0;
  findById = (id: string) => Promise.resolve(copy(this.rows.get(id)));
  openActive = (cart: Cart) => {
    const existing = [...this.rows.values()].find(
      (c) => c.userId === cart.userId && c.status === 'active',
    );
    if (existing) return Promise.resolve({ cart: copy(existing)!, created: false });
    this.rows.set(cart.id, copy(cart)!);
    return Promise.resolve({ cart, created: true });
  };
  save = (cart: Cart) => {
    this.saves++;
    this.rows.set(cart.id, copy(cart)!);
    return Promise.resolve();
  };
}

function copy(cart: Cart | undefined): Cart | null {
  if (!cart) return null;
  return Cart.restore({
    id: cart.id,
    userId: cart.userId,
    status: cart.status,
    lines: [...cart.items],
    orderId: cart.orderId,
    checkoutAttempts: cart.checkoutAttempts,
    pendingCheckout: cart.pendingCheckout,
    createdAt: cart.createdAt,
    updatedAt: cart.updatedAt,
  });
}

class DirectUnitOfWork extends UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

class FakeOrders extends OrderPlacement {
  requests: OrderRequest[] = [];
  answer: (request: OrderRequest) => Promise<PlacedOrder> = (request) =>
    Promise.resolve(placed(request));
  placeOrder = (request: OrderRequest) => {
    this.requests.push(request);
    return this.answer(request);
  };
  findOrder = (orderId: string) => Promise.resolve({ ...placed(this.requests[0]), id: orderId });
}

class FakeCatalog extends ProductCatalog {
  products = new Map<string, ProductSnapshot>();
  failing = false;
  findProduct = (id: string) =>
    this.failing
      ? Promise.reject(new Error('catalog down'))
      : Promise.resolve(this.products.get(id) ?? null);
}

const OWNER = '7d9f0e1a-2b3c-4d5e-8f60-718293a4b5c6';
const P = 'aaaaaaaa-0000-4000-8000-000000000000';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const owner: Actor = { userId: OWNER, isAdmin: false, token: 'owner-token' };
const admin: Actor = { userId: 'bbbbbbbb-0000-4000-8000-000000000000', isAdmin: true, token: 't' };
const stranger: Actor = {
  userId: 'cccccccc-0000-4000-8000-000000000000',
  isAdmin: false,
  token: 't',
};

function placed(request: OrderRequest): PlacedOrder {
  const price = Money.fromDecimal('12.00');
  return {
    id: ORDER,
    userId: request.userId,
    status: 'placed',
    lines: request.lines.map((l) => ({
      productId: l.productId,
      name: 'Lamp',
      quantity: l.quantity,
      unitPrice: price,
      subtotal: price.multiply(l.quantity),
    })),
    total: price.multiply(request.lines.reduce((n, l) => n + l.quantity, 0)),
    shippingAddress: request.shippingAddress,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

describe('cart use cases (in-memory fakes)', () => {
  let carts: FakeCarts;
  let orders: FakeOrders;
  let catalog: FakeCatalog;
  let checkout: CheckOutCartUseCase;
  let addItem: AddCartItemUseCase;
  let cartId: string;

  beforeEach(async () => {
    carts = new FakeCarts();
    orders = new FakeOrders();
    catalog = new FakeCatalog();
    const uow = new DirectUnitOfWork();
    const access = new CartAccess(carts);
    checkout = new CheckOutCartUseCase(uow, carts, access, orders);
    addItem = new AddCartItemUseCase(uow, carts, access, catalog);
    catalog.products.set(P, {
      productId: P,
      name: 'Lamp',
      unitPrice: Money.fromDecimal('10.00'),
      stockQuantity: 5,
    });
    const cart = Cart.open(OWNER);
    await carts.openActive(cart);
    cartId = cart.id;
    await addItem.execute({ cartId, actor: owner, productId: P, quantity: 2 });
  });

  const run = (actor = owner) => checkout.execute({ cartId, actor, shippingAddress: null });

  describe('AddCartItemUseCase', () => {
    it('refuses unknown products and strangers, and stores nothing when the catalog fails', async () => {
      const saves = carts.saves;
      await expect(
        addItem.execute({ cartId, actor: owner, productId: ORDER, quantity: 1 }),
      ).rejects.toBeInstanceOf(ProductNotFound);
      await expect(
        addItem.execute({ cartId, actor: stranger, productId: P, quantity: 1 }),
      ).rejects.toBeInstanceOf(CartNotFound);
      catalog.failing = true;
      await expect(
        addItem.execute({ cartId, actor: owner, productId: P, quantity: 1 }),
      ).rejects.toThrow('catalog down');
      expect(carts.saves).toBe(saves);
      expect((await carts.findById(cartId))?.line(P)?.quantity).toBe(2);
    });

    it('lets an admin change a cart', async () => {
      const cart = await addItem.execute({ cartId, actor: admin, productId: P, quantity: 1 });
      expect(cart.line(P)?.quantity).toBe(3);
    });
  });

  describe('CheckOutCartUseCase', () => {
    it('places the order with the owner token and attempt key, then answers it again', async () => {
      const first = await run();
      expect(first.created).toBe(true);
      expect(orders.requests).toEqual([
        {
          userId: OWNER,
          lines: [{ productId: P, quantity: 2 }],
          shippingAddress: null,
          userToken: 'owner-token',
          idempotencyKey: `cart-${cartId}-1`,
        },
      ]);
      const cart = await carts.findById(cartId);
      expect(cart).toMatchObject({ status: 'checked_out', orderId: ORDER });
      expect(cart?.total.toDecimalString()).toBe('24.00');

      const again = await run();
      expect(again).toMatchObject({ created: false, order: { id: ORDER } });
      expect(orders.requests).toHaveLength(1);
    });

    it('a refusal reopens the cart and the next attempt has a new key', async () => {
      orders.answer = () =>
        Promise.reject(new OrderRefused('conflict', 'insufficient_stock', 'short'));
      await expect(run()).rejects.toBeInstanceOf(OrderRefused);
      expect((await carts.findById(cartId))?.pendingCheckout).toBeNull();
      await addItem.execute({ cartId, actor: owner, productId: P, quantity: 1 });

      orders.answer = (request) => Promise.resolve(placed(request));
      expect((await run()).created).toBe(true);
      expect(orders.requests.map((r) => r.idempotencyKey)).toEqual([
        `cart-${cartId}-1`,
        `cart-${cartId}-2`,
      ]);
      expect(orders.requests[1].lines).toEqual([{ productId: P, quantity: 3 }]);
    });

    it.each([
      ['no answer', new Error('order service down')],
      [
        'a key still in flight',
        new OrderNotConfirmed('conflict', 'idempotency_key_in_flight', 'x'),
      ],
    ])('%s leaves the checkout pending; the repeat uses the same key', async (_label, error) => {
      orders.answer = () => Promise.reject(error);
      await expect(run()).rejects.toBe(error);
      const pending = await carts.findById(cartId);
      expect(pending).toMatchObject({ status: 'active', pendingCheckout: { attempt: 1 } });
      await expect(
        addItem.execute({ cartId, actor: owner, productId: P, quantity: 1 }),
      ).rejects.toBeInstanceOf(CheckoutPending);

      orders.answer = (request) => Promise.resolve(placed(request));
      const repeat = await run();
      expect(repeat.created).toBe(false);
      expect(orders.requests.map((r) => r.idempotencyKey)).toEqual([
        `cart-${cartId}-1`,
        `cart-${cartId}-1`,
      ]);
      expect(await carts.findById(cartId)).toMatchObject({ status: 'checked_out' });
    });

    it('is for the owner only', async () => {
      await expect(run(admin)).rejects.toBeInstanceOf(CheckoutByOwnerOnly);
      await expect(run(stranger)).rejects.toBeInstanceOf(CartNotFound);
      expect(orders.requests).toEqual([]);
    });
  });
});
