import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { StockReservation } from '../../domain/entities/stock-reservation';
import { ReservationNotFound } from '../../domain/errors/product.errors';
import { ProductRepository } from '../../domain/repositories/product.repository';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';

/**
 * What a release of an order that holds no reservation does: `tombstone` (the order service's
 * release) stores a released reservation without items, so that a reservation for that order
 * arriving later is refused; `refuse` (a cancelled order, which was always reserved before it
 * was stored) throws ReservationNotFound.
 */
export type WhenNoReservation = 'tombstone' | 'refuse';

/**
 * Gives a reservation's stock back exactly once: the status flip is a conditional UPDATE, so of
 * two concurrent releases only the one that flipped it returns stock. Later calls are no-ops.
 * A release and a reservation of the same new order serialize on the reservation's primary key:
 * whichever inserts first wins, and the other finds its row (stock taken then given back, or a
 * tombstone that refuses the reservation). Either way no stock stays taken.
 */
@Injectable()
export class ReleaseStockUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly products: ProductRepository,
    private readonly reservations: StockReservationRepository,
  ) {}

  execute(orderId: string, whenNone: WhenNoReservation = 'tombstone'): Promise<StockReservation> {
    return this.uow.run(async () => {
      let reservation = await this.reservations.findByOrderId(orderId);
      if (!reservation) {
        if (whenNone === 'refuse') throw new ReservationNotFound(orderId);
        const tombstone = StockReservation.tombstone(orderId);
        if (await this.reservations.insertIfAbsent(tombstone)) return tombstone;
        // a reservation of this order committed meanwhile (the insert waited for it): release it
        reservation = await this.reservations.findByOrderId(orderId);
        if (!reservation) throw new Error(`reservation ${orderId} vanished after a conflict`);
      }
      if (!reservation.release()) return reservation;
      if (!(await this.reservations.markReleased(reservation))) {
        return (await this.reservations.findByOrderId(orderId)) ?? reservation;
      }
      // A product deleted since the reservation has nothing to give back to.
      for (const item of reservation.items) {
        await this.products.returnStock(item.productId, item.quantity);
      }
      return reservation;
    });
  }
}
