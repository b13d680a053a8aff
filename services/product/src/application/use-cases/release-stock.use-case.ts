import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { StockReservation } from '../../domain/entities/stock-reservation';
import { ReservationNotFound } from '../../domain/errors/product.errors';
import { ProductRepository } from '../../domain/repositories/product.repository';
import { StockReservationRepository } from '../../domain/repositories/stock-reservation.repository';

/**
 * Gives a reservation's stock back exactly once: the status flip is a conditional UPDATE, so of
 * two concurrent releases only the one that flipped it returns stock. Later calls are no-ops.
 */
@Injectable()
export class ReleaseStockUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly products: ProductRepository,
    private readonly reservations: StockReservationRepository,
  ) {}

  execute(orderId: string): Promise<StockReservation> {
    return this.uow.run(async () => {
      const reservation = await this.reservations.findByOrderId(orderId);
      if (!reservation) throw new ReservationNotFound(orderId);
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
