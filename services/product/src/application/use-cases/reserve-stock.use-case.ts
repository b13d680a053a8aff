import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { ReservationItem, StockReservation } from '../../domain/entities/stock-reservation';
import {
  InsufficientStock,
  ProductNotFound,
  ReservationMismatch,
  ReservationReleased,
} from '../../domain/errors/product.errors';
import { CatalogEntry, ProductRepository } from '../../domain/repositories/product.repository';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';

export interface ReserveStockCommand {
  orderId: string;
  items: ReservationItem[];
}

export interface ReserveStockResult {
  reservation: StockReservation;
  /** false when the order already had this reservation (an idempotent replay). */
  created: boolean;
  /** the reserved products' name and price now: the order is priced from them */
  catalog: Map<string, CatalogEntry>;
}

/**
 * All or nothing, in one transaction. The reservation row is inserted first (ON CONFLICT DO
 * NOTHING), so two concurrent calls for one order serialize on its key and only one takes
 * stock. Stock is taken product by product in id order (no deadlocks) with a conditional
 * UPDATE that also answers the product's name and price; any unknown or short item rolls
 * everything back. An order id whose reservation was released (or
 * that a release marked with a tombstone first) is refused: it never takes stock again.
 */
@Injectable()
export class ReserveStockUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly products: ProductRepository,
    private readonly reservations: StockReservationRepository,
  ) {}

  execute(command: ReserveStockCommand): Promise<ReserveStockResult> {
    const reservation = StockReservation.create(command.orderId, command.items);
    return this.uow.run(async () => {
      const ids = reservation.items.map((item) => item.productId);
      if (!(await this.reservations.insertIfAbsent(reservation))) {
        const replayed = await this.replay(reservation);
        return {
          reservation: replayed,
          created: false,
          catalog: await this.products.catalogEntries(ids),
        };
      }

      // each take answers the product's name and price: no separate catalog read when all are
      // taken; only a refusal looks further, to say which products are unknown or short
      const catalog = new Map<string, CatalogEntry>();
      const refused: ReservationItem[] = [];
      for (const item of reservation.items) {
        const entry = await this.products.takeStock(item.productId, item.quantity);
        if (entry) catalog.set(item.productId, entry);
        else refused.push(item);
      }
      if (refused.length > 0) {
        const levels = await this.products.stockLevels(refused.map((item) => item.productId));
        const unknown = refused.filter((item) => !levels.has(item.productId));
        if (unknown.length > 0) throw new ProductNotFound(unknown.map((item) => item.productId));
        throw new InsufficientStock(
          refused.map((item) => ({
            product_id: item.productId,
            requested: item.quantity,
            available: levels.get(item.productId) ?? 0,
          })),
        );
      }
      return { reservation, created: true, catalog };
    });
  }

  private async replay(requested: StockReservation): Promise<StockReservation> {
    const existing = await this.reservations.findByOrderId(requested.orderId);
    if (!existing) throw new Error(`reservation ${requested.orderId} vanished after a conflict`);
    // before the items: a tombstone has none, and a released order id is refused whatever it asks
    if (existing.status === 'released') throw new ReservationReleased(requested.orderId);
    if (!existing.hasSameItems(requested.items)) throw new ReservationMismatch(requested.orderId);
    return existing;
  }
}
