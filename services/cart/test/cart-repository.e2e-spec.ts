import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Money, UnitOfWork } from '@app/kernel';
import { TestTokenIssuer, eventually, lockWaiters } from '@app/testing';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { Cart, ShippingAddress } from '../src/domain/entities/cart';
import { DomainError } from '@app/kernel';
import { CartRepository } from '../src/domain/repositories/cart.repository';
import { RunningService, freePort, startCart } from './cart-test-app';

/** What a cart holds, in a form two carts can be compared by. */
function view(cart: Cart) {
  return {
    id: cart.id,
    userId: cart.userId,
    status: cart.status,
    orderId: cart.orderId,
    checkoutAttempts: cart.checkoutAttempts,
    pending: cart.pendingCheckout
      ? {
          attempt: cart.pendingCheckout.attempt,
          address: cart.pendingCheckout.shippingAddress,
          startedAt: cart.pendingCheckout.startedAt.getTime(),
        }
      : null,
    createdAt: cart.createdAt.getTime(),
    updatedAt: cart.updatedAt.getTime(),
    lines: cart.items.map((line) => ({
      productId: line.productId,
      name: line.name,
      cents: line.unitPrice.cents,
      quantity: line.quantity,
      addedAt: line.addedAt.getTime(),
    })),
  };
}

const PRODUCTS = Array.from({ length: 5 }, () => randomUUID());
const product = fc.record({
  index: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
  name: fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim().length > 0),
  cents: fc.integer({ min: 1, max: 99_999_99 }),
});
const address: fc.Arbitrary<ShippingAddress | null> = fc.option(
  fc.record({
    street: fc.string({ minLength: 1, maxLength: 30 }),
    city: fc.string({ minLength: 1, maxLength: 20 }),
    postalCode: fc.stringMatching(/^[0-9]{5}$/),
    country: fc.constantFrom('ES', 'FR', 'DE'),
  }),
  { nil: null },
);
const operation = fc.oneof(
  fc.record({ op: fc.constant('add' as const), product, quantity: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ op: fc.constant('set' as const), product, quantity: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ op: fc.constant('remove' as const), index: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ op: fc.constant('empty' as const) }),
  fc.record({ op: fc.constant('checkout' as const), address }),
  fc.record({ op: fc.constant('abandon' as const) }),
  fc.record({
    op: fc.constant('complete' as const),
    orderId: fc.uuid(),
    cents: fc.integer({ min: 1, max: 5000 }),
  }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function apply(cart: Cart, step: Operation, now: Date): void {
  const snapshot = (p: { index: number; name: string; cents: number }) => ({
    productId: PRODUCTS[p.index],
    name: p.name,
    unitPrice: Money.ofCents(p.cents),
    stockQuantity: 10_000,
  });
  switch (step.op) {
    case 'add':
      return void cart.addItem(snapshot(step.product), step.quantity, now);
    case 'set':
      return void cart.changeQuantity(snapshot(step.product), step.quantity, now);
    case 'remove':
      return cart.removeItem(PRODUCTS[step.index], now);
    case 'empty':
      return cart.empty(now);
    case 'checkout':
      return void cart.beginCheckout(step.address, now);
    case 'abandon':
      return void cart.abandonCheckout(cart.pendingCheckout?.attempt ?? -1, now);
    case 'complete': {
      const ordered = cart.items.map((line) => ({
        productId: line.productId,
        name: `${line.name} (as ordered)`,
        unitPrice: Money.ofCents(step.cents),
      }));
      return void cart.completeCheckout(step.orderId, ordered, now);
    }
  }
}

describe('TypeormCartRepository (real PostgreSQL): what is saved is what is read back', () => {
  let issuer: TestTokenIssuer;
  let cart: RunningService;
  let carts: CartRepository;
  let uow: UnitOfWork;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    const closed = `http://127.0.0.1:${await freePort()}`;
    cart = await startCart(issuer, { productUrl: closed, orderUrl: closed });
    carts = cart.app.get(CartRepository);
    uow = cart.app.get(UnitOfWork);
  });
  afterAll(async () => {
    await cart?.close();
    await issuer?.stop();
  });

  it('after any sequence of changes, each saved in its own unit of work on a locked or a plain read, both reads give the cart back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(operation, fc.boolean()), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          let clock = Date.UTC(2026, 0, 1);
          const expected = Cart.open(randomUUID(), new Date(clock));
          expect((await carts.openActive(expected))?.created).toBe(true);
          for (const [step, locked] of steps) {
            clock += 1000;
            await uow.run(async () => {
              const stored = await carts.findById(expected.id, { forUpdate: locked });
              if (!stored) throw new Error('cart vanished');
              for (const target of [stored, expected]) {
                try {
                  apply(target, step, new Date(clock));
                } catch (error) {
                  if (!(error instanceof DomainError)) throw error;
                }
              }
              await carts.save(stored);
            });
            const plain = await carts.findById(expected.id);
            const forUpdate = await uow.run(() => carts.findById(expected.id, { forUpdate: true }));
            expect(view(plain!)).toEqual(view(expected));
            expect(view(forUpdate!)).toEqual(view(expected));
          }
          if (expected.status === 'active') {
            const again = await carts.openActive(Cart.open(expected.userId));
            expect(again?.created).toBe(false);
            expect(view(again!.cart)).toEqual(view(expected));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
  it('a locked read that waited for another unit of work reads the lines that one committed, and its save keeps them', async () => {
    const dataSource = cart.app.get(DataSource);
    const product = (n: number) => ({
      productId: randomUUID(),
      name: `product ${n}`,
      unitPrice: Money.ofCents(100 * n),
      stockQuantity: 50,
    });
    const [first, second, third] = [product(1), product(2), product(3)];
    const opened = Cart.open(randomUUID());
    opened.addItem(first, 1);
    expect((await carts.openActive(opened))?.created).toBe(true);
    await uow.run(() => carts.save(opened));

    let releaseFirst!: () => void;
    let holderSaved!: () => void;
    const saved = new Promise<void>((resolve) => (holderSaved = resolve));
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    // each unit of work in a context of its own, as two requests would be
    const cls = cart.app.get(ClsService);
    const holder = cls.run(() =>
      uow.run(async () => {
        const locked = (await carts.findById(opened.id, { forUpdate: true }))!;
        locked.addItem(second, 2);
        await carts.save(locked);
        holderSaved();
        await firstMayCommit; // the lock is held until the waiter below is queued on it
      }),
    );
    await saved;
    const waiter = cls.run(() =>
      uow.run(async () => {
        const locked = (await carts.findById(opened.id, { forUpdate: true }))!;
        const seen = locked.items.map((item) => item.productId).sort();
        locked.addItem(third, 3);
        await carts.save(locked);
        return seen;
      }),
    );
    await eventually(
      'the waiter queued on the lock',
      () => lockWaiters(dataSource),
      (n) => n > 0,
    );
    releaseFirst();
    await holder;
    expect(await waiter).toEqual([first.productId, second.productId].sort());
    const final = (await carts.findById(opened.id))!;
    expect(final.items.map((item) => [item.productId, item.quantity])).toEqual(
      expect.arrayContaining([
        [first.productId, 1],
        [second.productId, 2],
        [third.productId, 3],
      ]),
    );
    expect(final.items).toHaveLength(3);
  });
});
