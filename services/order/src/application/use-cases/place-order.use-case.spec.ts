import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ConsoleLogger, Logger } from '@nestjs/common';
import {
  DomainError,
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
import { InsufficientStock, ProductNotFound } from '../../domain/errors/order.errors';
import {
  OrderListCriteria,
  OrderPage,
  OrderRepository,
} from '../../domain/repositories/order.repository';
import { PlacementAbandoned } from '../errors/placement.errors';
import { PlacementSettings } from '../placement-settings';
import { OrderPlacements, Placement } from '../ports/order-placements.port';
import { CatalogProduct, ProductCatalog, StockLine } from '../ports/product-catalog.port';
import { PlaceOrderUseCase } from './place-order.use-case';
import { RecoverPlacementsUseCase } from './recover-placements.use-case';

// In-memory fakes that keep the rules of the real adapters: the product service's reservations
// (idempotent per order, tombstones), order_db's placements (states, due times on a fake clock)
// and a unit of work that rolls orders and placements back when its work throws.

const TIMEOUT_SECONDS = 30;

class Unavailable extends Error {}
/** The process died: nothing it does from then on has any effect. */
class Crash extends Error {}

class World {
  now = 0;
  crashed = false;
  alive(): void {
    if (this.crashed) throw new Crash();
  }
}

type ReserveScript = 'ok' | 'unpriced' | 'refuse' | 'lost' | 'down' | 'crash-after';

class FakeCatalog extends ProductCatalog {
  products = new Map<string, CatalogProduct>();
  /** the product service's reservations: order id → reserved or released (tombstones too) */
  reservations = new Map<string, 'reserved' | 'released'>();
  releaseCalls: string[] = [];
  reserveScript: ReserveScript = 'ok';
  releaseDown = false;
  /** runs while the reservation is on its way (before or after it lands) */
  duringReserve?: { when: 'before' | 'after'; run: () => Promise<void> };

  constructor(private readonly world: World) {
    super();
  }

  lookups: string[][] = [];

  findProducts(ids: string[]) {
    this.lookups.push(ids);
    return Promise.resolve(
      new Map(ids.filter((id) => this.products.has(id)).map((id) => [id, this.products.get(id)!])),
    );
  }

  async reserveStock(orderId: string, lines: StockLine[]) {
    this.world.alive();
    if (this.reserveScript === 'down') throw new Unavailable();
    if (this.duringReserve?.when === 'before') await this.duringReserve.run();
    if (this.reserveScript === 'refuse') {
      throw new InsufficientStock([{ product_id: 'p', requested: 3, available: 0 }]);
    }
    const existing = this.reservations.get(orderId);
    if (existing === 'released') throw new PlacementAbandoned();
    this.reservations.set(orderId, 'reserved');
    if (this.duringReserve?.when === 'after') await this.duringReserve.run();
    if (this.reserveScript === 'lost') throw new Unavailable(); // reserved, the answer lost
    if (this.reserveScript === 'crash-after') {
      this.world.crashed = true;
      throw new Crash();
    }
    // a product service prices what it reserved; 'unpriced' plays one from before that
    const priced = this.reserveScript === 'unpriced' ? [] : lines;
    return new Map(
      priced
        .filter((line) => this.products.has(line.productId))
        .map((line) => [line.productId, this.products.get(line.productId)!]),
    );
  }

  releaseStock(orderId: string) {
    this.world.alive();
    this.releaseCalls.push(orderId);
    if (this.releaseDown) return Promise.reject(new Unavailable());
    this.reservations.set(orderId, 'released'); // a release or a tombstone
    return Promise.resolve();
  }

  held(): string[] {
    return [...this.reservations].filter(([, s]) => s === 'reserved').map(([id]) => id);
  }
}

interface PlacementRow {
  placement: Placement;
  state: 'placing' | 'abandoning';
  dueAt: number;
}

class FakePlacements extends OrderPlacements {
  rows = new Map<string, PlacementRow>();

  constructor(private readonly world: World) {
    super();
  }

  begin(placement: Placement, recoverAfterSeconds: number) {
    this.world.alive();
    this.rows.set(placement.orderId, {
      placement,
      state: 'placing',
      dueAt: this.world.now + recoverAfterSeconds,
    });
    return Promise.resolve();
  }
  complete(orderId: string) {
    this.world.alive();
    if (this.rows.get(orderId)?.state !== 'placing') return Promise.resolve(false);
    this.rows.delete(orderId);
    return Promise.resolve(true);
  }
  abandon(orderId: string, leaseSeconds: number) {
    this.world.alive();
    const row = this.rows.get(orderId);
    if (!row) return Promise.resolve(false);
    this.rows.set(orderId, { ...row, state: 'abandoning', dueAt: this.world.now + leaseSeconds });
    return Promise.resolve(true);
  }
  claimDue(limit: number, leaseSeconds: number) {
    const due = [...this.rows.values()].filter((r) => r.dueAt <= this.world.now).slice(0, limit);
    for (const row of due) {
      this.rows.set(row.placement.orderId, {
        ...row,
        state: 'abandoning',
        dueAt: this.world.now + leaseSeconds,
      });
    }
    return Promise.resolve(due.map((row) => row.placement));
  }
  retryNextPass(orderId: string) {
    const row = this.rows.get(orderId);
    if (row) this.rows.set(orderId, { ...row, dueAt: this.world.now });
    return Promise.resolve();
  }
  remove(orderId: string) {
    this.world.alive();
    this.rows.delete(orderId);
    return Promise.resolve();
  }
}

class FakeOrders extends OrderRepository {
  stored: Order[] = [];
  insertFails = false;
  constructor(private readonly world: World) {
    super();
  }
  insert(order: Order) {
    this.world.alive();
    if (this.insertFails) return Promise.reject(new Error('connection lost'));
    this.stored.push(order);
    return Promise.resolve();
  }
  saveChanges = () => Promise.resolve();
  findById = () => Promise.resolve(null);
  findByIdForUpdate = () => Promise.resolve(null);
  findByIdForUpdateWithHistory = () => Promise.resolve(null);
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

/**
 * Rolls the orders and the placements back when the work throws, as a transaction would. With
 * `commitAnswerLost`, the transaction commits but its caller gets an error (the connection
 * dropped while the COMMIT was answered): the outcome the use case cannot tell.
 */
class SnapshotUnitOfWork extends UnitOfWork {
  commitAnswerLost = false;
  constructor(
    private readonly orders: FakeOrders,
    private readonly placements: FakePlacements,
    private readonly published: OrderFact[],
  ) {
    super();
  }
  async run<T>(work: () => Promise<T>) {
    const stored = [...this.orders.stored];
    const rows = new Map(this.placements.rows);
    const facts = this.published.length;
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.orders.stored = stored;
      this.placements.rows = rows;
      this.published.length = facts;
      throw error;
    }
    if (this.commitAnswerLost) throw new Error('connection lost at commit'); // committed all the same
    return result;
  }
}

describe('PlaceOrderUseCase (in-memory fakes)', () => {
  // the use cases log every failed release; hundreds of generated runs would bury the results
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  const userId = randomUUID();
  const requester = { id: userId, isAdmin: false };
  const lamp = randomUUID();
  let world: World;
  let catalog: FakeCatalog;
  let orders: FakeOrders;
  let placements: FakePlacements;
  let keys: FakeKeys;
  let useCase: PlaceOrderUseCase;
  let recovery: RecoverPlacementsUseCase;
  let published: OrderFact[];
  let uow: SnapshotUnitOfWork;

  const command = (extra: object = {}) => ({
    requester,
    userId,
    items: [{ productId: lamp, quantity: 3 }],
    shippingAddress: null,
    present: (order: Order) => ({ id: order.id, total: order.total.toNumber() }),
    ...extra,
  });

  /** Time passes beyond the placement timeout, then one recovery pass. */
  const laterRecovery = async () => {
    world.now += TIMEOUT_SECONDS + 1;
    return recovery.execute();
  };

  beforeEach(() => {
    world = new World();
    catalog = new FakeCatalog(world);
    catalog.products.set(lamp, { id: lamp, name: 'Lamp', price: Money.fromDecimal('19.99') });
    orders = new FakeOrders(world);
    placements = new FakePlacements(world);
    keys = new FakeKeys();
    published = [];
    const outbox = {
      publish: async (facts: OrderFact[]) => {
        world.alive();
        published.push(...facts);
      },
    };
    const settings = new PlacementSettings(TIMEOUT_SECONDS, 100);
    uow = new SnapshotUnitOfWork(orders, placements, published);
    useCase = new PlaceOrderUseCase(uow, orders, catalog, keys, outbox, placements, settings);
    recovery = new RecoverPlacementsUseCase(placements, catalog, settings);
  });

  it('prices from the catalog, reserves under the new order id; the placement record is gone', async () => {
    const result = await useCase.execute(command());
    if (result.kind !== 'created') throw new Error('expected created');
    expect(result.order.total.toNumber()).toBe(59.97);
    expect(catalog.held()).toEqual([result.order.id]);
    expect(orders.stored).toHaveLength(1);
    expect(published.map((fact) => [fact.kind, fact.orderId])).toEqual([
      ['placed', result.order.id],
    ]);
    expect(placements.rows.size).toBe(0);
  });

  it('prices from the reservation alone when the product service priced it (no second call)', async () => {
    await useCase.execute(command());
    expect(catalog.lookups).toEqual([]);
  });

  it('prices through the catalog what a product service from before priced reservations left out', async () => {
    catalog.reserveScript = 'unpriced';
    const result = await useCase.execute(command());
    if (result.kind !== 'created') throw new Error('expected created');
    expect(result.order.total.toNumber()).toBe(59.97);
    expect(catalog.lookups).toHaveLength(1);
  });

  it('a product the catalog does not know (and the reservation did not price): 404, the stock given back', async () => {
    catalog.reserveScript = 'unpriced';
    catalog.products.clear();
    await expect(useCase.execute(command())).rejects.toBeInstanceOf(ProductNotFound);
    expect(catalog.held()).toEqual([]);
    expect(orders.stored).toHaveLength(0);
    expect(placements.rows.size).toBe(0);
  });

  it('storing fails after the reservation: the reservation is released, the record deleted', async () => {
    orders.insertFails = true;
    await expect(useCase.execute(command())).rejects.toThrow('connection lost');
    expect(catalog.releaseCalls).toHaveLength(1);
    expect(catalog.held()).toEqual([]);
    expect(placements.rows.size).toBe(0);
  });

  it('the commit happened but its answer was lost: the stored order keeps its stock', async () => {
    uow.commitAnswerLost = true;
    await expect(useCase.execute(command())).rejects.toThrow('connection lost at commit');
    expect(orders.stored).toHaveLength(1);
    expect(catalog.releaseCalls).toEqual([]);
    expect(catalog.held()).toEqual([orders.stored[0].id]);
    expect(placements.rows.size).toBe(0);
  });

  it('the product service answers, then fails (the answer lost): released anyway, nothing stored', async () => {
    catalog.reserveScript = 'lost';
    await expect(useCase.execute(command())).rejects.toThrow(Unavailable);
    expect(catalog.held()).toEqual([]);
    expect(orders.stored).toHaveLength(0);
    expect(placements.rows.size).toBe(0);
  });

  it('the answer lost and the release failing too: the record waits, the next recovery pass releases', async () => {
    catalog.reserveScript = 'lost';
    catalog.releaseDown = true;
    await expect(useCase.execute(command())).rejects.toThrow(Unavailable);
    const [orderId] = catalog.held();
    expect(placements.rows.get(orderId)).toMatchObject({ state: 'abandoning', dueAt: world.now });
    // product still down: retried at every pass, never dropped
    expect(await recovery.execute()).toEqual({ released: [], failed: [orderId] });
    expect(await recovery.execute()).toEqual({ released: [], failed: [orderId] });
    catalog.releaseDown = false;
    expect(await recovery.execute()).toEqual({ released: [orderId], failed: [] });
    expect(catalog.held()).toEqual([]);
    expect(placements.rows.size).toBe(0);
  });

  it('a refusal is given back too (an earlier attempt may still land); the release leaves a tombstone', async () => {
    catalog.reserveScript = 'refuse';
    await expect(useCase.execute(command())).rejects.toThrow(InsufficientStock);
    expect(catalog.releaseCalls).toHaveLength(1);
    expect(catalog.reservations.get(catalog.releaseCalls[0])).toBe('released');
    expect(placements.rows.size).toBe(0);
  });

  it('the final commit finds its placement taken over by recovery: 503, no order, stock back', async () => {
    catalog.duringReserve = { when: 'after', run: async () => void (await laterRecovery()) };
    const error = await useCase.execute(command()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlacementAbandoned);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'upstream_unavailable' });
    expect(orders.stored).toHaveLength(0);
    expect(published).toHaveLength(0);
    expect(catalog.held()).toEqual([]);
    expect(placements.rows.size).toBe(0);
  });

  it('recovery released first (tombstone): the late reservation is refused, 503, nothing held', async () => {
    catalog.duringReserve = { when: 'before', run: async () => void (await laterRecovery()) };
    await expect(useCase.execute(command())).rejects.toBeInstanceOf(PlacementAbandoned);
    expect(orders.stored).toHaveLength(0);
    expect(catalog.held()).toEqual([]);
    expect(placements.rows.size).toBe(0);
  });

  it('a crash after the reservation: recovery releases once the placement times out, not before', async () => {
    catalog.reserveScript = 'crash-after';
    await expect(useCase.execute(command())).rejects.toThrow(Crash);
    const [orderId] = catalog.held();
    expect(placements.rows.get(orderId)?.state).toBe('placing');
    world.crashed = false; // another process (or the restarted one) runs the recovery
    world.now += TIMEOUT_SECONDS - 1;
    expect(await recovery.execute()).toEqual({ released: [], failed: [] });
    world.now += 1;
    expect(await recovery.execute()).toEqual({ released: [orderId], failed: [] });
    expect(catalog.held()).toEqual([]);
  });

  it('with a key: refusals are stored and replayed; unavailability forgets the key', async () => {
    const idempotency = { key: 'k', requestHash: 'h' };
    catalog.reserveScript = 'refuse';
    await expect(useCase.execute(command({ idempotency }))).rejects.toThrow(InsufficientStock);
    catalog.reserveScript = 'ok';
    await expect(useCase.execute(command({ idempotency }))).rejects.toMatchObject({
      code: 'insufficient_stock',
      kind: 'conflict',
    });

    const other = { key: 'k2', requestHash: 'h' };
    catalog.reserveScript = 'down';
    await expect(useCase.execute(command({ idempotency: other }))).rejects.toThrow(Unavailable);
    expect(keys.rows.has(`${userId}/k2`)).toBe(false);
    catalog.reserveScript = 'ok';
    const retried = await useCase.execute(command({ idempotency: other }));
    expect(retried.kind).toBe('created');
    const replay = await useCase.execute(command({ idempotency: other }));
    expect(replay).toEqual({ kind: 'replayed', status: 201, body: expect.any(Object) });
  });

  it('with a key: a placement taken over is not stored under the key (a retry places again)', async () => {
    const idempotency = { key: 'k3', requestHash: 'h' };
    catalog.duringReserve = { when: 'after', run: async () => void (await laterRecovery()) };
    await expect(useCase.execute(command({ idempotency }))).rejects.toBeInstanceOf(
      PlacementAbandoned,
    );
    expect(keys.rows.has(`${userId}/k3`)).toBe(false);
    catalog.duringReserve = undefined;
    expect((await useCase.execute(command({ idempotency }))).kind).toBe('created');
    expect(catalog.held()).toEqual([orders.stored[0].id]);
  });

  it('a customer ordering for someone else is refused before anything happens', async () => {
    await expect(useCase.execute(command({ userId: randomUUID() }))).rejects.toMatchObject({
      code: 'order_for_another_user',
    });
    expect(catalog.reservations.size).toBe(0);
    expect(placements.rows.size).toBe(0);
  });

  it('generated: whatever fails where, once recovery has run with the product service up, exactly the stored orders hold stock', async () => {
    const step = fc.record({
      reserve: fc.constantFrom<ReserveScript>('ok', 'refuse', 'lost', 'down', 'crash-after'),
      insertFails: fc.boolean(),
      commitAnswerLost: fc.boolean(),
      releaseDown: fc.boolean(),
      recoveryDuringReserve: fc.constantFrom<'none' | 'before' | 'after'>(
        'none',
        'before',
        'after',
      ),
      key: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        world.now = 0;
        catalog.reservations.clear();
        orders.stored = [];
        placements.rows.clear();
        keys.rows.clear();
        const answered: string[] = [];
        for (const s of steps) {
          world.crashed = false; // a crash is followed by a restart
          catalog.reserveScript = s.reserve;
          orders.insertFails = s.insertFails;
          uow.commitAnswerLost = s.commitAnswerLost;
          catalog.releaseDown = s.releaseDown;
          catalog.duringReserve =
            s.recoveryDuringReserve === 'none'
              ? undefined
              : { when: s.recoveryDuringReserve, run: async () => void (await laterRecovery()) };
          const idempotency = s.key ? { key: s.key, requestHash: 'h' } : undefined;
          const result = await useCase.execute(command({ idempotency })).then(
            (placed) => placed,
            (error: unknown) => {
              // refusals, 503s, and the faults this test injects: nothing else
              if (!(error instanceof DomainError)) {
                expect([Unavailable, Crash, Error]).toContain((error as Error).constructor);
              }
              return null;
            },
          );
          if (result?.kind === 'created') answered.push(result.order.id);
          world.now += 1;
        }
        // settle: the process is up, the product service answers, time passes, recovery runs
        world.crashed = false;
        uow.commitAnswerLost = false;
        catalog.releaseDown = false;
        catalog.duringReserve = undefined;
        await laterRecovery();
        await laterRecovery();
        const stored = orders.stored.map((o) => o.id).sort();
        expect(catalog.held().sort()).toEqual(stored);
        expect(placements.rows.size).toBe(0);
        // every 201 answered is a stored order (and holds its stock)
        for (const id of answered) expect(stored).toContain(id);
      }),
      { numRuns: 300 },
    );
  });
});
