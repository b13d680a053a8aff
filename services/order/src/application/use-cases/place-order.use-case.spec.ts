import { randomUUID } from 'node:crypto';
import {
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStore,
  Money,
  StoredOutcome,
  UnitOfWork,
} from '@app/kernel';
import { Order } from '../../domain/entities/order';
import { OrderEvent } from '../../domain/entities/order-event';
import { OrderFact } from '../../domain/entities/order-facts';
import { InsufficientStock } from '../../domain/errors/order.errors';
import {
  OrderListCriteria,
  OrderPage,
  OrderRepository,
} from '../../domain/repositories/order.repository';
import { CatalogProduct, ProductCatalog, StockLine } from '../ports/product-catalog.port';
import { PlaceOrderUseCase } from './place-order.use-case';

class Unavailable extends Error {}

class FakeCatalog extends ProductCatalog {
  products = new Map<string, CatalogProduct>();
  reserved = new Set<string>();
  released: string[] = [];
  reserveFails?: Error;
  reserveSucceedsThenFails = false;

  findProducts(ids: string[]) {
    return Promise.resolve(
      new Map(ids.filter((id) => this.products.has(id)).map((id) => [id, this.products.get(id)!])),
    );
  }
  reserveStock(orderId: string, _lines: StockLine[]) {
    if (this.reserveSucceedsThenFails) {
      this.reserved.add(orderId); // reserved, but the answer was lost
      return Promise.reject(new Unavailable());
    }
    if (this.reserveFails) return Promise.reject(this.reserveFails);
    this.reserved.add(orderId);
    return Promise.resolve();
  }
  releaseStock(orderId: string) {
    this.released.push(orderId);
    this.reserved.delete(orderId);
    return Promise.resolve();
  }
}

class FakeOrders extends OrderRepository {
  stored: Order[] = [];
  insertFails = false;
  insert(order: Order) {
    if (this.insertFails) return Promise.reject(new Error('connection lost'));
    this.stored.push(order);
    return Promise.resolve();
  }
  saveChanges = () => Promise.resolve();
  findById = () => Promise.resolve(null);
  findByIdForUpdate = () => Promise.resolve(null);
  claimUnpaidPlacedBefore = (): Promise<Order[]> => Promise.resolve([]);
  list = (_c: OrderListCriteria): Promise<OrderPage> => Promise.resolve({ items: [], total: 0 });
  eventsOf = (): Promise<OrderEvent[]> => Promise.resolve([]);
}

class FakeKeys extends IdempotencyStore {
  rows = new Map<string, { hash: string; outcome?: StoredOutcome; token?: string }>();
  claim(scope: IdempotencyScope): Promise<IdempotencyClaim> {
    const id = `${scope.callerId}/${scope.key}`;
    const row = this.rows.get(id);
    if (!row) {
      const token = randomUUID();
      this.rows.set(id, { hash: scope.requestHash, token });
      return Promise.resolve({ kind: 'acquired', token });
    }
    if (row.hash !== scope.requestHash) return Promise.resolve({ kind: 'mismatch' });
    if (!row.outcome) return Promise.resolve({ kind: 'in_flight' });
    return Promise.resolve({ kind: 'completed', outcome: row.outcome });
  }
  complete(scope: IdempotencyScope, token: string, outcome: StoredOutcome) {
    const row = this.rows.get(`${scope.callerId}/${scope.key}`);
    if (row?.token !== token) return Promise.resolve(false);
    row.outcome = outcome;
    return Promise.resolve(true);
  }
  abandon(scope: IdempotencyScope, token: string) {
    const id = `${scope.callerId}/${scope.key}`;
    if (this.rows.get(id)?.token === token) this.rows.delete(id);
    return Promise.resolve();
  }
}

class DirectUnitOfWork extends UnitOfWork {
  run<T>(work: () => Promise<T>) {
    return work();
  }
}

describe('PlaceOrderUseCase (in-memory fakes)', () => {
  const userId = randomUUID();
  const requester = { id: userId, isAdmin: false };
  const lamp = randomUUID();
  let catalog: FakeCatalog;
  let orders: FakeOrders;
  let keys: FakeKeys;
  let useCase: PlaceOrderUseCase;
  let published: OrderFact[];

  const command = (extra: object = {}) => ({
    requester,
    userId,
    items: [{ productId: lamp, quantity: 3 }],
    shippingAddress: null,
    present: (order: Order) => ({ id: order.id, total: order.total.toNumber() }),
    ...extra,
  });

  beforeEach(() => {
    catalog = new FakeCatalog();
    catalog.products.set(lamp, { id: lamp, name: 'Lamp', price: Money.fromDecimal('19.99') });
    orders = new FakeOrders();
    keys = new FakeKeys();
    published = [];
    const outbox = {
      publish: async (facts: OrderFact[]) => {
        published.push(...facts);
      },
    };
    useCase = new PlaceOrderUseCase(new DirectUnitOfWork(), orders, catalog, keys, outbox);
  });

  it('prices from the catalog and reserves under the new order id', async () => {
    const result = await useCase.execute(command());
    if (result.kind !== 'created') throw new Error('expected created');
    expect(result.order.total.toNumber()).toBe(59.97);
    expect(catalog.reserved.has(result.order.id)).toBe(true);
    expect(orders.stored).toHaveLength(1);
    expect(published.map((fact) => [fact.kind, fact.orderId])).toEqual([
      ['placed', result.order.id],
    ]);
  });

  it('storing fails after the reservation: the reservation is released and the error answered', async () => {
    orders.insertFails = true;
    await expect(useCase.execute(command())).rejects.toThrow('connection lost');
    expect(catalog.released).toHaveLength(1);
    expect(catalog.reserved.size).toBe(0);
  });

  it('the reservation answer is lost (catalog unreachable): released anyway, nothing stored', async () => {
    catalog.reserveSucceedsThenFails = true;
    await expect(useCase.execute(command())).rejects.toThrow(Unavailable);
    expect(catalog.reserved.size).toBe(0);
    expect(orders.stored).toHaveLength(0);
  });

  it('a refused reservation is not compensated (it reserved nothing)', async () => {
    catalog.reserveFails = new InsufficientStock([
      { product_id: lamp, requested: 3, available: 0 },
    ]);
    await expect(useCase.execute(command())).rejects.toThrow(InsufficientStock);
    expect(catalog.released).toEqual([]);
  });

  it('with a key: refusals are stored and replayed; unavailability forgets the key', async () => {
    const idempotency = { key: 'k', requestHash: 'h' };
    catalog.reserveFails = new InsufficientStock([
      { product_id: lamp, requested: 3, available: 0 },
    ]);
    await expect(useCase.execute(command({ idempotency }))).rejects.toThrow(InsufficientStock);
    catalog.reserveFails = undefined;
    await expect(useCase.execute(command({ idempotency }))).rejects.toMatchObject({
      code: 'insufficient_stock',
      kind: 'conflict',
      details: { items: [{ product_id: lamp, requested: 3, available: 0 }] },
    });

    const other = { key: 'k2', requestHash: 'h' };
    catalog.reserveFails = new Unavailable();
    await expect(useCase.execute(command({ idempotency: other }))).rejects.toThrow(Unavailable);
    expect(keys.rows.has(`${userId}/k2`)).toBe(false);
    catalog.reserveFails = undefined;
    const retried = await useCase.execute(command({ idempotency: other }));
    expect(retried.kind).toBe('created');
    const replay = await useCase.execute(command({ idempotency: other }));
    expect(replay).toEqual({ kind: 'replayed', status: 201, body: expect.any(Object) });
  });

  it('a customer ordering for someone else is refused before anything happens', async () => {
    await expect(useCase.execute(command({ userId: randomUUID() }))).rejects.toMatchObject({
      code: 'order_for_another_user',
    });
    expect(catalog.reserved.size).toBe(0);
  });
});
