import fc from 'fast-check';
import { Money, UnitOfWork } from '@app/kernel';
import { Product } from '../../domain/entities/product';
import { StockReservation } from '../../domain/entities/stock-reservation';
import {
  InsufficientStock,
  ProductNotFound,
  ReservationMismatch,
  ReservationNotFound,
  ReservationReleased,
} from '../../domain/errors/product.errors';
import {
  ProductListCriteria,
  ProductPage,
  ProductRepository,
} from '../../domain/repositories/product.repository';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';
import { ReleaseStockUseCase } from './release-stock.use-case';
import { ReserveStockUseCase } from './reserve-stock.use-case';

/** In-memory fakes: a unit of work that snapshots stock and restores it when the work throws. */
class FakeProducts extends ProductRepository {
  stock = new Map<string, number>();
  findById = (): Promise<Product | null> => Promise.resolve(null);
  insert = (): Promise<void> => Promise.resolve();
  update = (): Promise<void> => Promise.resolve();
  delete = (): Promise<boolean> => Promise.resolve(false);
  list = (_c: ProductListCriteria): Promise<ProductPage> =>
    Promise.resolve({ items: [], total: 0, next: null });
  countForSeeding = (): Promise<number> => Promise.resolve(this.stock.size);
  catalogEntries = (ids: string[]) =>
    Promise.resolve(
      new Map(
        ids
          .filter((id) => this.stock.has(id))
          .map((id) => [id, { name: `product ${id}`, price: Money.ofCents(100) }]),
      ),
    );
  takeStock = (id: string, quantity: number) => {
    const left = this.stock.get(id);
    if (left === undefined || left < quantity) return Promise.resolve(null);
    this.stock.set(id, left - quantity);
    return Promise.resolve({ name: `product ${id}`, price: Money.ofCents(100) });
  };
  returnStock = (id: string, quantity: number): Promise<boolean> => {
    const left = this.stock.get(id);
    if (left === undefined) return Promise.resolve(false);
    this.stock.set(id, left + quantity);
    return Promise.resolve(true);
  };
  stockLevels = (ids: string[]) =>
    Promise.resolve(
      new Map(ids.filter((id) => this.stock.has(id)).map((id) => [id, this.stock.get(id)!])),
    );
}

/** Stores copies, as a database would: a use case's changes count once written back. */
class FakeReservations extends StockReservationRepository {
  rows = new Map<string, StockReservation>();
  private static copy(r: StockReservation): StockReservation {
    return StockReservation.restore({
      orderId: r.orderId,
      status: r.status,
      items: r.items,
      createdAt: r.createdAt,
      releasedAt: r.releasedAt,
    });
  }
  insertIfAbsent = (r: StockReservation): Promise<boolean> => {
    if (this.rows.has(r.orderId)) return Promise.resolve(false);
    this.rows.set(r.orderId, FakeReservations.copy(r));
    return Promise.resolve(true);
  };
  findByOrderId = (id: string) => {
    const row = this.rows.get(id);
    return Promise.resolve(row ? FakeReservations.copy(row) : null);
  };
  markReleased = (r: StockReservation): Promise<boolean> => {
    const stored = this.rows.get(r.orderId);
    if (!stored || stored.status === 'released') return Promise.resolve(false);
    this.rows.set(r.orderId, FakeReservations.copy(r));
    return Promise.resolve(true);
  };
}

class SnapshotUnitOfWork extends UnitOfWork {
  constructor(
    private readonly products: FakeProducts,
    private readonly reservations: FakeReservations,
  ) {
    super();
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    const stock = new Map(this.products.stock);
    const rows = new Map(this.reservations.rows);
    try {
      return await work();
    } catch (error) {
      this.products.stock = stock;
      this.reservations.rows = rows;
      throw error;
    }
  }
}

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

describe('ReserveStockUseCase / ReleaseStockUseCase', () => {
  let products: FakeProducts;
  let reservations: FakeReservations;
  let reserve: ReserveStockUseCase;
  let release: ReleaseStockUseCase;

  beforeEach(() => {
    products = new FakeProducts();
    reservations = new FakeReservations();
    const uow = new SnapshotUnitOfWork(products, reservations);
    reserve = new ReserveStockUseCase(uow, products, reservations);
    release = new ReleaseStockUseCase(uow, products, reservations);
    products.stock.set(A, 5).set(B, 1);
  });

  it('takes every line, and replays the same order without taking more', async () => {
    const items = [
      { productId: B, quantity: 1 },
      { productId: A, quantity: 2 },
    ];
    expect((await reserve.execute({ orderId: ORDER, items })).created).toBe(true);
    expect((await reserve.execute({ orderId: ORDER, items })).created).toBe(false);
    expect([products.stock.get(A), products.stock.get(B)]).toEqual([3, 0]);
  });

  it('takes nothing when a line is short, and lists the short lines', async () => {
    const error = await reserve
      .execute({
        orderId: ORDER,
        items: [
          { productId: A, quantity: 2 },
          { productId: B, quantity: 2 },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientStock);
    expect((error as InsufficientStock).items).toEqual([
      { product_id: B, requested: 2, available: 1 },
    ]);
    expect([products.stock.get(A), products.stock.get(B)]).toEqual([5, 1]);
    expect(reservations.rows.size).toBe(0);
  });

  it('refuses unknown products and a reused order id with other items', async () => {
    const unknown = 'cccccccc-0000-4000-8000-000000000000';
    await expect(
      reserve.execute({ orderId: ORDER, items: [{ productId: unknown, quantity: 1 }] }),
    ).rejects.toBeInstanceOf(ProductNotFound);
    await reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 1 }] });
    await expect(
      reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 2 }] }),
    ).rejects.toBeInstanceOf(ReservationMismatch);
  });

  it('releases once; a released order id never reserves again (409)', async () => {
    await reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 4 }] });
    expect((await release.execute(ORDER)).status).toBe('released');
    await release.execute(ORDER);
    expect(products.stock.get(A)).toBe(5);
    await expect(
      reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 4 }] }),
    ).rejects.toBeInstanceOf(ReservationReleased);
    expect(products.stock.get(A)).toBe(5);
  });

  it('releasing an unknown order leaves a tombstone that refuses a late reservation', async () => {
    const tombstone = await release.execute(ORDER);
    expect([tombstone.status, tombstone.items]).toEqual(['released', []]);
    expect((await release.execute(ORDER)).status).toBe('released'); // still idempotent
    await expect(
      reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 1 }] }),
    ).rejects.toBeInstanceOf(ReservationReleased);
    expect(products.stock.get(A)).toBe(5);
  });

  it("'refuse' (a cancelled order) leaves no tombstone for an unknown order", async () => {
    await expect(release.execute(ORDER, 'refuse')).rejects.toBeInstanceOf(ReservationNotFound);
    expect(reservations.rows.size).toBe(0);
    await reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 1 }] });
    expect(products.stock.get(A)).toBe(4);
  });

  it('generated: any interleaving of reserves and releases of one order keeps stock whole once released', async () => {
    // whatever comes first, after a release the order holds no stock, and no reserve after a
    // release takes any
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('reserve', 'release'), { minLength: 1, maxLength: 8 }),
        async (steps) => {
          products.stock.set(A, 5);
          reservations.rows.clear();
          let released = false;
          for (const step of steps) {
            if (step === 'release') {
              await release.execute(ORDER);
              released = true;
              continue;
            }
            const outcome = await reserve
              .execute({ orderId: ORDER, items: [{ productId: A, quantity: 2 }] })
              .then(
                () => 'reserved',
                (error: unknown) => error,
              );
            if (released) expect(outcome).toBeInstanceOf(ReservationReleased);
            else expect(outcome).toBe('reserved');
          }
          expect(products.stock.get(A)).toBe(released ? 5 : 3);
        },
      ),
    );
  });
});
