import { UnitOfWork } from '@app/kernel';
import { Product } from '../../domain/entities/product';
import { StockReservation } from '../../domain/entities/stock-reservation';
import {
  InsufficientStock,
  ProductNotFound,
  ReservationMismatch,
  ReservationNotFound,
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
    Promise.resolve({ items: [], total: 0 });
  count = (): Promise<number> => Promise.resolve(this.stock.size);
  existingIds = (ids: string[]) => Promise.resolve(new Set(ids.filter((id) => this.stock.has(id))));
  takeStock = (id: string, quantity: number): Promise<boolean> => {
    const left = this.stock.get(id);
    if (left === undefined || left < quantity) return Promise.resolve(false);
    this.stock.set(id, left - quantity);
    return Promise.resolve(true);
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

class FakeReservations extends StockReservationRepository {
  rows = new Map<string, StockReservation>();
  insertIfAbsent = (r: StockReservation): Promise<boolean> => {
    if (this.rows.has(r.orderId)) return Promise.resolve(false);
    this.rows.set(r.orderId, r);
    return Promise.resolve(true);
  };
  findByOrderId = (id: string) => Promise.resolve(this.rows.get(id) ?? null);
  markReleased = (): Promise<boolean> => Promise.resolve(true);
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

  it('releases once, and 404s an unknown order', async () => {
    await reserve.execute({ orderId: ORDER, items: [{ productId: A, quantity: 4 }] });
    expect((await release.execute(ORDER)).status).toBe('released');
    await release.execute(ORDER);
    expect(products.stock.get(A)).toBe(5);
    await expect(release.execute(B)).rejects.toBeInstanceOf(ReservationNotFound);
  });
});
